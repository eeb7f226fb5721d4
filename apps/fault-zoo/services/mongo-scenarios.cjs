// MongoDB failures the real driver produces without a MongoDB server (none is packaged here): server
// selection against a refused port and against a port that accepts and drops every connection, and a
// find on a peer that completes the handshake and then drops the connection (MongoNetworkError).
const { MongoClient } = require('mongodb');

/** Connects and runs one find with a short server selection timeout. */
async function findOn(port) {
  const client = new MongoClient(`mongodb://127.0.0.1:${port}/zoo`, {
    serverSelectionTimeoutMS: 300,
    connectTimeoutMS: 300,
    directConnection: true,
  });
  try {
    await client.db('zoo').collection('carts').findOne({ id: 1 });
  } finally {
    await client.close().catch(() => {});
  }
}

/** Routes, by path. */
const mongoScenarios = {
  '/mongodb/refused': () => findOn(process.env.CLOSED_PORT),
  '/mongodb/dropped': () => findOn(process.env.DROP_PORT),
  '/mongodb/network-error': () => findOn(process.env.MONGO_PEER_PORT),
};

module.exports = { mongoScenarios };
