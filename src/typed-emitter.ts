/**
 * An EventEmitter whose event names and listener arguments are checked by the
 * compiler: `conn.on('dta', ...)` or a listener taking the wrong arguments is
 * a compile error. Plain EventEmitter at run time. Written out here rather
 * than taken from @types/node's generic EventEmitter, which older versions of
 * @types/node (still in use with Node 18) do not have.
 */
import { EventEmitter } from 'node:events';

/** Event name → the arguments its listeners receive. */
export type EventMap<Events> = { [K in keyof Events]: unknown[] };

type Listener<Args> = Args extends unknown[] ? (...args: Args) => void : never;

/** The listener methods of EventEmitter, typed by an event map. */
export interface TypedEmitter<Events extends EventMap<Events>>
  extends Omit<
    EventEmitter,
    'on' | 'once' | 'off' | 'addListener' | 'removeListener' | 'prependListener' | 'prependOnceListener' | 'emit' |
    'listenerCount' | 'listeners' | 'rawListeners' | 'removeAllListeners'
  > {
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this;
  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this;
  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this;
  addListener<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this;
  removeListener<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this;
  prependListener<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this;
  prependOnceListener<K extends keyof Events>(event: K, listener: Listener<Events[K]>): this;
  emit<K extends keyof Events>(event: K, ...args: Events[K]): boolean;
  listenerCount<K extends keyof Events>(event: K): number;
  listeners<K extends keyof Events>(event: K): Listener<Events[K]>[];
  rawListeners<K extends keyof Events>(event: K): Listener<Events[K]>[];
  removeAllListeners<K extends keyof Events>(event?: K): this;
}

/** EventEmitter, seen as a {@link TypedEmitter} of the given event map. */
export const TypedEventEmitter = EventEmitter as unknown as new <Events extends EventMap<Events>>(
  options?: ConstructorParameters<typeof EventEmitter>[0],
) => TypedEmitter<Events>;
