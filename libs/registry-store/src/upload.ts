/**
 * Receiving an upload whose metadata declared every payload (name, size, sha256) before
 * its chunks: the chunks are staged as they arrive and checked against the declaration, so
 * that a stream that ends early (the client cancelled, its deadline passed, it was killed)
 * or carries other bytes is refused whatever way the transport reported its end.
 */
import { IntegrityError, ResourceLimitError, ValidationError } from '../../core/src/index.js';
import type { BlobWriter, FsArtifactStore } from './artifact-store.js';
import { DIGEST_PATTERN } from './names.js';

/** One payload as the upload's metadata declared it. */
export interface DeclaredPayload {
  /** Artifact name or relative file path. */
  key: string;
  sizeBytes: number;
  /** "sha256:<hex>". */
  digest: string;
}

/** A chunk of one payload (consecutive chunks of one key are appended). */
export interface PayloadChunk {
  key: string;
  data: Uint8Array;
}

/** A payload received whole and verified, staged until the record that names it commits. */
export interface ReceivedPayload extends DeclaredPayload {
  writer: BlobWriter;
}

/** How one kind of upload is checked. */
export interface DeclarationRules {
  /** What a payload is called in messages: "artifact" or "file". */
  noun: string;
  /** The metadata field holding the declaration, e.g. "metadata.artifacts". */
  field: string;
  /** Throws `ValidationError` for a malformed key. */
  checkKey(key: string): void;
  /** Largest total of the declared sizes. */
  maxTotalBytes: number;
  /** What the limit applies to, e.g. "model upload". */
  limitName: string;
}

/**
 * Validates a declaration: at least one payload, valid unique keys, sizes that are safe
 * integers >= 0, digests of the "sha256:<hex>" form, and a total within the limit
 * (`ResourceLimitError`, before any byte is received).
 */
function checkDeclaration(declared: readonly DeclaredPayload[], rules: DeclarationRules): void {
  if (declared.length === 0)
    throw new ValidationError(
      `${rules.field} must declare every ${rules.noun} of the upload (name, size_bytes, sha256 digest)`,
    );
  const seen = new Set<string>();
  let total = 0;
  for (const d of declared) {
    rules.checkKey(d.key);
    if (seen.has(d.key)) throw new ValidationError(`${rules.field} declares ${rules.noun} "${d.key}" twice`);
    seen.add(d.key);
    if (!Number.isSafeInteger(d.sizeBytes) || d.sizeBytes < 0)
      throw new ValidationError(`${rules.field}: ${rules.noun} "${d.key}" needs a size_bytes >= 0`);
    if (!DIGEST_PATTERN.test(d.digest))
      throw new ValidationError(
        `${rules.field}: ${rules.noun} "${d.key}" needs a digest of "sha256:" + 64 lowercase hex digits`,
      );
    total += d.sizeBytes;
  }
  if (total > rules.maxTotalBytes)
    throw new ResourceLimitError(
      `${rules.limitName} of ${total} bytes exceeds the limit of ${rules.maxTotalBytes} bytes`,
    );
}

/**
 * Checks the declaration (see {@link checkDeclaration}), then stages the chunks of the
 * upload and verifies each payload when the stream ends:
 * all of its declared bytes arrived (a declared empty payload may have no chunk) and their
 * sha256 is the declared one. Anything else (an undeclared key, a key sent twice, more or
 * fewer bytes than declared, other bytes) throws, `IntegrityError` for bytes that differ
 * from the declaration; whatever was staged is then removed. Errors of `chunks` itself (a
 * cancelled call) propagate the same way.
 * @returns the payloads in declaration order, staged and sealed.
 */
export async function receiveDeclared(
  artifacts: FsArtifactStore,
  declared: readonly DeclaredPayload[],
  chunks: AsyncIterable<PayloadChunk>,
  rules: DeclarationRules,
): Promise<ReceivedPayload[]> {
  checkDeclaration(declared, rules);
  const { noun } = rules;
  const byKey = new Map(declared.map((d) => [d.key, d]));
  const writers = new Map<string, BlobWriter>();
  let current: string | undefined;
  try {
    for await (const chunk of chunks) {
      if (chunk.key !== current) {
        const d = byKey.get(chunk.key);
        if (!d) throw new ValidationError(`${noun} "${chunk.key}" was not declared in the metadata`);
        if (writers.has(chunk.key))
          throw new ValidationError(
            `${noun} "${chunk.key}" was sent twice; send each ${noun}'s chunks consecutively`,
          );
        writers.set(chunk.key, await artifacts.createWriter());
        current = chunk.key;
      }
      const writer = writers.get(current)!;
      const limit = byKey.get(current)!.sizeBytes;
      if (writer.sizeBytes + chunk.data.byteLength > limit)
        throw new IntegrityError(
          `${noun} "${current}" carries more than its declared ${limit} bytes; nothing was stored`,
        );
      await writer.write(chunk.data);
    }
    const received: ReceivedPayload[] = [];
    for (const d of declared) {
      let writer = writers.get(d.key);
      if (!writer) {
        writer = await artifacts.createWriter();
        writers.set(d.key, writer);
      }
      const blob = await writer.seal();
      if (blob.sizeBytes !== d.sizeBytes)
        throw new IntegrityError(
          `${noun} "${d.key}": the stream ended after ${blob.sizeBytes} of its ${d.sizeBytes} declared bytes ` +
            '(cancelled, deadline passed or cut off); nothing was stored',
        );
      if (blob.digest !== d.digest)
        throw new IntegrityError(
          `${noun} "${d.key}": the received bytes do not match the declared sha256 digest; nothing was stored`,
        );
      received.push({ ...d, writer });
    }
    return received;
  } catch (e) {
    for (const w of writers.values()) await w.abort();
    throw e;
  }
}
