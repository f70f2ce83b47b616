'use strict';
// iocp-tcp handler module for the benchmarks (the service's --handler): an
// echo through connection.stream(), i.e. Node's stream machinery on top of
// the engine, the twin of node-net-stream-echo.mjs. A peer's reset ends the
// pipeline with an error, which is no news here.
const { pipeline } = require('node:stream');

module.exports = function streamEcho(connection) {
  const stream = connection.stream();
  pipeline(stream, stream, () => {});
};
