// Facts about typed arrays, read through the language's own accessors (captured when this
// module loads) instead of the value's properties: which kind an argument is, how many
// elements it has, whether its memory is shared. A subclass, an own property or a Proxy can
// make `v.length` or `v.buffer` say anything; these read the internal slots the native shim
// reads too, so what the argument checks see is what the shim copies.
import { isSharedArrayBuffer } from 'util/types';

const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;

function intrinsicGetter(key: PropertyKey): (this: unknown) => unknown {
  return Object.getOwnPropertyDescriptor(TypedArrayPrototype, key)!.get! as (this: unknown) => unknown;
}

// %TypedArray%.prototype[@@toStringTag] answers undefined, never throws, for anything that
// is not a typed array, a Proxy around one included: it is the exact brand check.
const kindGetter = intrinsicGetter(Symbol.toStringTag);
const lengthGetter = intrinsicGetter('length');
const bufferGetter = intrinsicGetter('buffer');
const byteOffsetGetter = intrinsicGetter('byteOffset');

/** The kind of a typed array ('Float32Array', 'Float64Array', …); undefined for anything else. */
export function typedArrayKind(v: unknown): string | undefined {
  return kindGetter.call(v) as string | undefined;
}

/** Elements of a value {@link typedArrayKind} recognised (0 once its buffer is detached). */
export function elementCount(v: ArrayBufferView): number {
  return lengthGetter.call(v) as number;
}

/** True when a recognised typed array lives in a SharedArrayBuffer (growable ones included). */
export function isShared(v: ArrayBufferView): boolean {
  return isSharedArrayBuffer(bufferGetter.call(v));
}

/** A typed array constructor taking (buffer, byteOffset, length), with its prototype. */
export interface TypedArrayConstructorOf<T extends ArrayBufferView> {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  new (length: number): T;
  readonly prototype: T;
}

const hasOwn = (v: object, key: string): boolean => Object.prototype.hasOwnProperty.call(v, key);

/**
 * A typed array of `Ctor`'s kind (which `v` must be) over the same memory as `v`, whose
 * `length` and methods are the language's own: `v` itself when it is a plain one, else a new
 * view. On a subclass, or on an array with an own `length`, `subarray` or `constructor`,
 * these would run or say whatever the caller's code says.
 */
export function plainView<T extends ArrayBufferView>(v: T, Ctor: TypedArrayConstructorOf<T>): T {
  if (Object.getPrototypeOf(v) === Ctor.prototype && !hasOwn(v, 'length') && !hasOwn(v, 'subarray') && !hasOwn(v, 'constructor')) {
    return v;
  }
  const n = elementCount(v);
  // A detached buffer cannot take a new view; its element count is 0.
  if (n === 0) return new Ctor(0);
  return new Ctor(bufferGetter.call(v) as ArrayBufferLike, byteOffsetGetter.call(v) as number, n);
}
