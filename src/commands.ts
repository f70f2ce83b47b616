/**
 * What JS asks of its connections in one tick — writes, ends, resets, pauses,
 * and the acks of data it took — gathered and handed to the engine in one
 * native call, instead of one call (and one wake-up of an I/O thread) each.
 * Order is kept: the engine applies them as they were asked.
 */
import type { NativeEngine } from './native';

/**
 * Bytes of writes after which the queue goes to the engine at once, batch or
 * no batch: the I/O threads start sending while JS carries on, which keeps
 * the latency of large replies down.
 */
const FLUSH_BYTES = 64 * 1024;

/** Command kinds, as the engine's submit() numbers them. */
const KIND = { write: 0, end: 1, destroy: 2, pause: 3, resume: 4 } as const;

/** Numbers that grow as needed and are handed to the engine as (array, count): no allocation per flush. */
class Numbers {
  array = new Float64Array(64);
  length = 0;

  push(...values: number[]): void {
    if (this.length + values.length > this.array.length) {
      const grown = new Float64Array(this.array.length * 2);
      grown.set(this.array);
      this.array = grown;
    }
    for (const value of values) this.array[this.length++] = value;
  }
}

/** Gathers connection commands until the end of the tick (or of an event batch). */
export class CommandQueue {
  #engine: NativeEngine | undefined;
  #commands = new Numbers();  // (kind, id, flag, cause) quads
  #payloads: Array<Buffer | undefined> = [];
  #acks = new Numbers();  // (id, bytes) pairs
  #bytes = 0;  // of the writes queued
  #scheduled = false;
  #holding = false;  // an event batch is being dispatched: it flushes at its end
  /**
   * The engine's receive region: a write of a view into it (a borrowed 'data'
   * chunk) is copied as the engine takes it, since the next delivery reuses it.
   */
  region: ArrayBuffer | undefined;

  /** The engine to submit to; until it is set (and after detach()) commands are dropped. */
  attach(engine: NativeEngine | undefined): void {
    this.#engine = engine;
  }

  write(id: number, data: Buffer, notifyDrain: boolean): void {
    this.#push(KIND.write, id, notifyDrain, -1, data);
  }

  /** `cause`: the engine's index of local_close (or idle_timeout); -1 for the default. */
  end(id: number, data: Buffer | undefined, notifyDrain: boolean, cause = -1): void {
    this.#push(KIND.end, id, notifyDrain, cause, data);
  }

  destroy(id: number, cause = -1): void {
    this.#push(KIND.destroy, id, false, cause, undefined);
  }

  pause(id: number): void {
    this.#push(KIND.pause, id, false, -1, undefined);
  }

  resume(id: number): void {
    this.#push(KIND.resume, id, false, -1, undefined);
  }

  /** JS has taken `bytes` of the connection's data events: reading may go on. */
  ack(id: number, bytes: number): void {
    this.#acks.push(id, bytes);
    this.#schedule();
  }

  /** Runs `dispatch` with the queue held: what it asks goes to the engine in one call at its end. */
  hold(dispatch: () => void): void {
    this.#holding = true;
    try {
      dispatch();
    } finally {
      this.#holding = false;
      this.flush();
    }
  }

  /** Hands everything gathered to the engine now (which takes what it needs during the call). */
  flush(): void {
    this.#scheduled = false;
    const commands = this.#commands;
    const acks = this.#acks;
    if (commands.length === 0 && acks.length === 0) return;
    try {
      this.#engine?.submit(commands.array, commands.length / 4, this.#payloads, acks.array, acks.length / 2);
    } finally {
      commands.length = 0;
      acks.length = 0;
      this.#payloads.length = 0;
      this.#bytes = 0;
    }
  }

  // The flag number: bit 0 asks for a drain event, bit 1 says the bytes are the region's.
  #push(kind: number, id: number, notifyDrain: boolean, cause: number, payload: Buffer | undefined): void {
    const inRegion = payload !== undefined && payload.buffer === this.region ? 2 : 0;
    this.#commands.push(kind, id, (notifyDrain ? 1 : 0) | inRegion, cause);
    this.#payloads.push(payload);
    this.#bytes += payload?.length ?? 0;
    if (this.#bytes >= FLUSH_BYTES) this.flush();
    else this.#schedule();
  }

  #schedule(): void {
    if (this.#holding || this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      if (this.#scheduled) this.flush();
    });
  }
}
