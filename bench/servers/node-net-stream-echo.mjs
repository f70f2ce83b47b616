// node:net echo through Node's streams for the benchmarks: pipeline(socket,
// socket), with its backpressure. Prints "listening PORT".
import net from 'node:net';
import { pipeline } from 'node:stream';

const server = net.createServer({ noDelay: true }, (socket) => pipeline(socket, socket, () => {}));
server.listen(Number(process.argv[3] ?? 0), process.argv[2] ?? '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
