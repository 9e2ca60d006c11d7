/**
 * A DICOMweb client for one PACS: fetches an image series with WADO-RS (instances as
 * Explicit VR Little Endian, or as stored when the PACS cannot transcode) and stores
 * instances with STOW-RS. HTTP basic credentials come from the caller's configuration.
 * Errors name studies and series by {@link uidTag}, never by UID; an unreachable PACS, one
 * refusing the credentials or the stored object is a BackendError (UNAVAILABLE).
 */
import { readFileSync } from 'node:fs';
import { BackendError, NotFoundError, ResourceLimitError, ValidationError } from '../../core/src/index.js';
import { boundaryOf, joinMultipart, splitMultipart } from './multipart.js';
import type { DicomInput } from './read-series.js';
import { uidTag } from './uids.js';

/** Where the PACS is and how to sign in. */
export interface DicomWebConfig {
  /** Base URL of the DICOMweb service, e.g. `http://pacs:8042/dicom-web`. */
  baseUrl: string;
  /** HTTP basic user and password; no Authorization header without a user. */
  user?: string | undefined;
  password?: string | undefined;
  /** Per request [60 s]. */
  timeoutMs?: number;
}

/** Bounds on what a fetch may read. */
export interface SeriesLimits {
  maxBytes: number;
  maxInstances: number;
}

const EXPLICIT_LE = '1.2.840.10008.1.2.1';

/**
 * The configuration of a PACS at `baseUrl` with user `user` whose password is in the file
 * `passwordFile` (NASUNET_DICOMWEB_PASSWORD_FILE; surrounding whitespace dropped).
 * @throws ValidationError when the file cannot be read.
 */
export function dicomWebConfig(
  baseUrl: string,
  user: string | undefined,
  passwordFile: string | undefined,
): DicomWebConfig {
  if (passwordFile === undefined) return { baseUrl, user };
  try {
    return { baseUrl, user, password: readFileSync(passwordFile, 'utf8').trim() };
  } catch (e) {
    throw new ValidationError(
      `NASUNET_DICOMWEB_PASSWORD_FILE: the file cannot be read (${(e as NodeJS.ErrnoException).code})`,
    );
  }
}

function headers(cfg: DicomWebConfig, extra: Record<string, string>): Record<string, string> {
  if (cfg.user === undefined || cfg.user === '') return extra;
  const token = Buffer.from(`${cfg.user}:${cfg.password ?? ''}`, 'utf8').toString('base64');
  return { ...extra, authorization: `Basic ${token}` };
}

async function request(cfg: DicomWebConfig, path: string, init: RequestInit): Promise<Response> {
  const url = `${cfg.baseUrl.replace(/\/+$/, '')}${path}`;
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(cfg.timeoutMs ?? 60_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw new BackendError(`the PACS cannot be reached (${cause})`, { cause: err });
  }
}

/** Refuses a non-2xx answer: NOT_FOUND for 404, UNAVAILABLE otherwise. */
function checkStatus(res: Response, what: string): void {
  if (res.ok) return;
  if (res.status === 401 || res.status === 403) {
    throw new BackendError(`the PACS refused the configured credentials (HTTP ${res.status}) ${what}`);
  }
  if (res.status === 404) throw new NotFoundError(`the PACS holds no ${what}`);
  throw new BackendError(`the PACS answered HTTP ${res.status} ${what}`);
}

/** The body of `res`, refused once it grows past `maxBytes` (the rest is not read). */
async function readBounded(res: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw new ResourceLimitError(`the series is over the limit of ${maxBytes} bytes`);
  }
  const parts: Uint8Array[] = [];
  let total = 0;
  if (res.body) {
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      if (total > maxBytes) {
        await res.body.cancel().catch(() => undefined);
        throw new ResourceLimitError(`the series is over the limit of ${maxBytes} bytes`);
      }
      parts.push(chunk);
    }
  }
  return Buffer.concat(parts);
}

/**
 * The instances of series `seriesUid` of study `studyUid`, labelled "instance N" in
 * the order the PACS sent them.
 * @throws NotFoundError, ResourceLimitError, BackendError (see the module doc).
 */
export async function fetchSeries(
  cfg: DicomWebConfig,
  studyUid: string,
  seriesUid: string,
  limits: SeriesLimits,
): Promise<DicomInput[]> {
  const what = `series ${uidTag(seriesUid)} of study ${uidTag(studyUid)}`;
  const path = `/studies/${studyUid}/series/${seriesUid}`;
  const ask = (syntax: string) =>
    request(cfg, path, {
      headers: headers(cfg, {
        accept: `multipart/related; type="application/dicom"; transfer-syntax=${syntax}`,
      }),
    });
  let res = await ask(EXPLICIT_LE);
  // A PACS that cannot transcode (e.g. compressed pixels it cannot decode) may still send
  // the instances as stored; the reader then names their transfer syntax.
  if (!res.ok && res.status !== 404 && res.status !== 401 && res.status !== 403) {
    await res.body?.cancel();
    res = await ask('*');
  }
  checkStatus(res, what);
  const boundary = boundaryOf(res.headers.get('content-type') ?? '');
  if (boundary === undefined) {
    await res.body?.cancel();
    throw new BackendError(`the PACS answered the ${what} without a multipart body`);
  }
  const parts = splitMultipart(await readBounded(res, limits.maxBytes), boundary, limits.maxInstances);
  if (parts.length === 0) throw new NotFoundError(`the PACS holds no instances of ${what}`);
  return parts.map((bytes, i) => ({ label: `instance ${i + 1}`, bytes }));
}

/**
 * Stores `instances` with STOW-RS.
 * @throws BackendError when the PACS is unreachable or does not store every instance.
 */
export async function storeInstances(cfg: DicomWebConfig, instances: readonly Uint8Array[]): Promise<void> {
  const { body, contentType } = joinMultipart(instances);
  const res = await request(cfg, '/studies', {
    method: 'POST',
    headers: headers(cfg, { 'content-type': contentType, accept: 'application/dicom+json' }),
    body,
  });
  checkStatus(res, 'when storing the segmentation');
  const answer = (await res.json().catch(() => ({}))) as Record<string, { Value?: unknown[] }>;
  const failed = answer['00081198']?.Value?.length ?? 0;
  const stored = answer['00081199']?.Value?.length ?? 0;
  if (failed > 0 || stored < instances.length) {
    throw new BackendError(
      `the PACS stored ${stored} of ${instances.length} segmentation object(s) (${failed} refused)`,
    );
  }
}
