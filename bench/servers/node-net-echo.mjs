// node:net echo for the benchmarks: writes back what it reads, pausing a
// peer that does not read. Prints "listening PORT".
import net from 'node:net';

const server = net.createServer({ noDelay: true }, (socket) => {
  socket.on('data', (data) => {
    if (!socket.write(data)) socket.pause();
  });
  socket.on('drain', () => socket.resume());
  socket.on('error', () => socket.destroy());
});
server.listen(Number(process.argv[3] ?? 0), process.argv[2] ?? '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
