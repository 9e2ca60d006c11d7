/**
 * Who may call what. Callers present `authorization: Bearer <token>`; a server configured
 * with a {@link TokenTable} maps the token to a name and scopes, and one grpc-js server
 * interceptor (installed on every server by `grpcServerOptions`) checks the scope each
 * method needs ({@link requirementOf}, one table) before any handler runs. Handlers learn
 * the caller's name from {@link callerOf}, never the token.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { ServerInterceptingCall, type Metadata, type ServerInterceptor } from '@grpc/grpc-js';
import { z } from 'zod';
import {
  PermissionDeniedError,
  UnauthenticatedError,
  ValidationError,
  type NasUnetError,
} from '../../core/src/index.js';
import { toGrpcStatus } from './errors.js';
import { SERVICE_NAMES } from './options.js';

/** The scopes a token may hold; each grants exactly the methods mapped to it. */
export const SCOPES = ['segment', 'train', 'search', 'registry:read', 'registry:write', 'admin'] as const;

/** One scope. */
export type Scope = (typeof SCOPES)[number];

/** What a call needs: nothing (health checks), any known token (reflection) or one scope. */
export type Requirement = 'nothing' | 'token' | Scope;

/** Scope of each registry method; a method missing here needs `admin`. */
export const REGISTRY_SCOPES: Readonly<Record<string, Scope>> = {
  RegisterDataset: 'registry:write',
  RegisterDatasetUri: 'registry:write',
  CreateGenotype: 'registry:write',
  UploadModel: 'registry:write',
  GetDataset: 'registry:read',
  ListDatasets: 'registry:read',
  DownloadDataset: 'registry:read',
  GetGenotype: 'registry:read',
  ListGenotypes: 'registry:read',
  GetModel: 'registry:read',
  ListModels: 'registry:read',
  DownloadModel: 'registry:read',
  SetAlias: 'admin',
  DeleteAlias: 'admin',
  RetireModel: 'admin',
  ListAuditEvents: 'admin',
};

/** Scope of every method of the other services. */
const SERVICE_SCOPES: Readonly<Record<string, Scope>> = {
  [SERVICE_NAMES.search]: 'search',
  [SERVICE_NAMES.training]: 'train',
  [SERVICE_NAMES.segmentation]: 'segment',
};

/** What a call of `path` (`/package.Service/Method`) needs; `admin` for anything unknown. */
export function requirementOf(path: string): Requirement {
  const [, service = '', method = ''] = path.split('/');
  if (service === 'grpc.health.v1.Health') return 'nothing';
  if (service.startsWith('grpc.reflection.')) return 'token';
  if (service === SERVICE_NAMES.registry) return REGISTRY_SCOPES[method] ?? 'admin';
  return SERVICE_SCOPES[service] ?? 'admin';
}

/** The hex sha256 of a token: what a tokens file stores instead of the token. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A known caller. */
export interface Caller {
  /** Its name in the tokens file; what logs and audit records show. */
  name: string;
  scopes: ReadonlySet<Scope>;
}

const TokensFileSchema = z.strictObject({
  tokens: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/, 'letters, digits, . _ @ - (max 64)'),
        sha256: z.string().regex(/^[0-9a-f]{64}$/, 'the hex sha256 of the token (64 lower-case hex digits)'),
        scopes: z.array(z.enum(SCOPES)).min(1),
      }),
    )
    .min(1),
});

/** The tokens a server accepts, by the sha256 of the token (the tokens themselves are never stored). */
export class TokenTable {
  private constructor(private readonly byDigest: ReadonlyMap<string, Caller>) {}

  /**
   * Parses a tokens file: `{"tokens": [{"name": "pacs", "sha256": "<hex>", "scopes":
   * ["segment"]}]}`. `ValidationError` (naming `source`, never the content) when it is
   * not JSON, an entry is malformed or a name or digest is listed twice.
   */
  static parse(text: string, source: string): TokenTable {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ValidationError(`${source} is not JSON`);
    }
    const r = TokensFileSchema.safeParse(json);
    if (!r.success) {
      const issues = r.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
      throw new ValidationError(`${source}: ${issues}`);
    }
    const byDigest = new Map<string, Caller>();
    const names = new Set<string>();
    for (const t of r.data.tokens) {
      if (names.has(t.name) || byDigest.has(t.sha256))
        throw new ValidationError(`${source}: token "${t.name}" is listed twice (by name or digest)`);
      names.add(t.name);
      byDigest.set(t.sha256, { name: t.name, scopes: new Set(t.scopes) });
    }
    return new TokenTable(byDigest);
  }

  /** Reads and parses the tokens file at `path`; errors name `variable`, not the path. */
  static load(path: string, variable: string): TokenTable {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new ValidationError(
        `${variable}: the tokens file cannot be read (${(e as NodeJS.ErrnoException).code})`,
      );
    }
    return TokenTable.parse(text, variable);
  }

  /** The caller a token belongs to, or undefined. */
  callerOf(token: string): Caller | undefined {
    return this.byDigest.get(tokenDigest(token));
  }
}

/** Caller name of every call to a server without tokens. */
export const ANONYMOUS = 'anonymous';

/** Metadata key the access interceptor sets to the caller's name (any value sent by a client is dropped). */
const CALLER_KEY = 'nasunet-caller';

/** The caller of a call whose metadata passed the access interceptor. */
export function callerOf(metadata: Metadata): string {
  const v = metadata.get(CALLER_KEY)[0];
  return typeof v === 'string' && v !== '' ? v : ANONYMOUS;
}

/**
 * Whether the call of `path` with `metadata` may proceed: the caller's name, or the domain
 * error that refuses it (UNAUTHENTICATED without a known token, PERMISSION_DENIED without
 * the scope). Without `tokens` every call proceeds as {@link ANONYMOUS}.
 */
export function authorize(
  tokens: TokenTable | undefined,
  path: string,
  metadata: Metadata,
): string | NasUnetError {
  const need = requirementOf(path);
  if (!tokens || need === 'nothing') return ANONYMOUS;
  const header = metadata.get('authorization')[0];
  const token = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header.trim())?.[1] : undefined;
  if (token === undefined)
    return new UnauthenticatedError(
      'this server needs a bearer token (metadata "authorization: Bearer <token>"; the CLI takes --token or NASUNET_TOKEN)',
    );
  const caller = tokens.callerOf(token);
  if (!caller) return new UnauthenticatedError('unknown bearer token');
  if (need !== 'token' && !caller.scopes.has(need))
    return new PermissionDeniedError(
      `token "${caller.name}" lacks scope "${need}", which ${path.split('/').pop()} needs`,
    );
  return caller.name;
}

const logger = new Logger('Access');

/**
 * The one access check of a server: every call passes {@link authorize} before its handler
 * runs; a refused call ends with the status of its domain error. The bearer token is removed
 * from the metadata handlers see, and the caller's name put there ({@link callerOf}).
 */
export function accessInterceptor(tokens: TokenTable | undefined): ServerInterceptor {
  return (method, call) =>
    new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, pass) => {
            metadata.remove(CALLER_KEY);
            const verdict = authorize(tokens, method.path, metadata);
            if (typeof verdict !== 'string') {
              logger.warn(`refused ${method.path} from ${call.getPeer()}: ${verdict.message}`);
              const { code, message } = toGrpcStatus(verdict);
              call.sendStatus({ code, details: message });
              return;
            }
            metadata.remove('authorization');
            metadata.set(CALLER_KEY, verdict);
            pass(metadata);
          },
        }),
    });
}
