import net from 'node:net';
import { BSON, type Document } from 'mongodb';

/**
 * A TCP peer that speaks just enough of the MongoDB wire protocol for the real driver to select it as
 * a standalone server (it answers the `hello` handshake, legacy OP_QUERY or OP_MSG), then drops the
 * connection on any other command: the driver's `find` fails with MongoNetworkError on a connection
 * it had already opened. There is no MongoDB server package here; this is the part of one the test
 * needs, and the driver, its instrumentation and its errors are the real ones.
 */
export interface DroppingMongo {
  port: number;
  close(): Promise<void>;
}

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;
const HANDSHAKE = new Set(['hello', 'ismaster', 'isMaster']);

function helloReply(): Document {
  return {
    helloOk: true,
    ismaster: true,
    isWritablePrimary: true,
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: 1,
    minWireVersion: 0,
    maxWireVersion: 17,
    readOnly: false,
    ok: 1,
  };
}

function header(length: number, responseTo: number, opCode: number): Buffer {
  const buffer = Buffer.alloc(16);
  buffer.writeInt32LE(length, 0);
  buffer.writeInt32LE(0, 4);
  buffer.writeInt32LE(responseTo, 8);
  buffer.writeInt32LE(opCode, 12);
  return buffer;
}

function reply(opCode: number, requestId: number, doc: Document): Buffer {
  const body = Buffer.from(BSON.serialize(doc));
  if (opCode === OP_QUERY) {
    const fields = Buffer.alloc(20); // responseFlags, cursorID (8), startingFrom, numberReturned = 1
    fields.writeInt32LE(1, 16);
    return Buffer.concat([header(16 + 20 + body.length, requestId, OP_REPLY), fields, body]);
  }
  const flags = Buffer.from([0, 0, 0, 0, 0]); // flagBits, then section kind 0
  return Buffer.concat([header(16 + 5 + body.length, requestId, OP_MSG), flags, body]);
}

/** The command document of one OP_QUERY or OP_MSG message (body after the 16-byte header). */
function commandOf(opCode: number, body: Buffer): Document | undefined {
  if (opCode === OP_MSG)
    return BSON.deserialize(body.subarray(5), { allowObjectSmallerThanBufferSize: true });
  if (opCode !== OP_QUERY) return undefined;
  const nameEnd = body.indexOf(0, 4);
  return BSON.deserialize(body.subarray(nameEnd + 1 + 8), { allowObjectSmallerThanBufferSize: true });
}

/** Starts the peer on a free 127.0.0.1 port. */
export function startDroppingMongo(): Promise<DroppingMongo> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    let pending = Buffer.alloc(0);
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 16 && pending.length >= pending.readInt32LE(0)) {
        const length = pending.readInt32LE(0);
        const requestId = pending.readInt32LE(4);
        const opCode = pending.readInt32LE(12);
        const command = commandOf(opCode, pending.subarray(16, length));
        pending = pending.subarray(length);
        const name = command ? Object.keys(command)[0] : undefined;
        if (name === undefined || !HANDSHAKE.has(name)) {
          socket.destroy();
          return;
        }
        socket.write(reply(opCode, requestId, helloReply()));
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        port,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            // The driver's monitor keeps its connection open: close() would wait for it.
            for (const socket of sockets) socket.destroy();
          }),
      });
    });
  });
}
