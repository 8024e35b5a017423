// The physical-limit baseline: a bare node:http server that answers configured bytes and fans frames out to watchers.
import { createServer, type ServerResponse } from 'node:http';

let answer = { status: 200, contentType: 'application/json', body: Buffer.from('{}') };
const watchers = new Set<ServerResponse>();

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (req.url === '/__configure') {
      const spec = JSON.parse(body.toString()) as { status: number; contentType: string; body: string };
      answer = { status: spec.status, contentType: spec.contentType, body: Buffer.from(spec.body, 'base64') };
      return res.end();
    }
    if (req.url === '/__broadcast') {
      // The driver's update: the same frame goes to every open watch, as a watch cache's fan-out would send it, and
      // (as kubefake does) the frames of one turn of the event loop leave in one write per watch.
      for (const watcher of watchers) {
        if (!watcher.writableCorked) {
          watcher.cork();
          setImmediate(() => watcher.uncork());
        }
        watcher.write(body);
      }
      res.statusCode = 200;
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Content-Length', answer.body.length);
      return res.end(answer.body);
    }
    if (req.url?.includes('watch=1')) {
      res.statusCode = 200;
      res.setHeader('Content-Type', 'application/json');
      res.flushHeaders();
      watchers.add(res);
      res.on('close', () => watchers.delete(res));
      return;
    }
    res.statusCode = answer.status;
    res.setHeader('Content-Type', answer.contentType);
    res.setHeader('Content-Length', answer.body.length);
    res.end(answer.body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`listening on http://127.0.0.1:${address.port}\n`);
});
process.on('SIGTERM', () => {
  for (const watcher of watchers) watcher.end();
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
