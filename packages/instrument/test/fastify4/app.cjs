// A Fastify 4 app (no request handler tracing channel): @fastify/otel must still trace it.
const fastify = require('fastify');

const app = fastify();
app.get('/orders/:id', async function getOrder(request) {
  return { order: request.params.id };
});
app.get('/version', async () => ({ version: app.version }));
app.get('/throw', async function loadOrder() {
  throw new TypeError('fastify 4 handler failed');
});
app.get('/hook-throws', {
  onRequest: async () => {
    throw new RangeError('fastify 4 hook failed');
  },
  handler: async () => ({ unreachable: true }),
});
app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' }).then(() => {
  process.stdout.write(`${JSON.stringify({ port: app.server.address().port, node: process.version })}\n`);
});
