#!/usr/bin/env node
/** Entry point of the `iocp-tcp` command. */
import { main } from './service';

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`iocp-tcp: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
