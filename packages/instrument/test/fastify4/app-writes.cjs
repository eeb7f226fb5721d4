// Fastify 4 (the @fastify/otel fallback): a handler that writes on its active span (app-writes.cjs).
const fastify = require('fastify');
const { writeOnActiveSpan } = require('../apps/app-writes.cjs');

const app = fastify();
for (const path of ['/ok', '/app-exception', '/app-error']) {
  app.get(path, async (_request, reply) => {
    reply.code(writeOnActiveSpan(path));
    return { path };
  });
}
app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' }).then(() => {
  process.stdout.write(`${JSON.stringify({ port: app.server.address().port, node: process.version })}\n`);
});
