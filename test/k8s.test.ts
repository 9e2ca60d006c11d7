/**
 * The Kubernetes manifests as a cluster would receive them: `kubectl kustomize` renders the
 * base and every overlay, and the rendered objects keep the suite's rules. Every container
 * runs non-root on a read-only root filesystem without privilege escalation, with requests,
 * a memory limit and startup, readiness and liveness probes (native gRPC probes on the
 * plaintext health port for the suite's own processes); every replicated workload has a
 * PodDisruptionBudget; Services are headless; NetworkPolicies admit only what must talk;
 * the TLS and token Secrets are mounted where the configuration points; every NASUNET_*
 * variable set is one the suite reads; GPUs are requested by the workers of the gpu
 * overlay only. The objects are also checked against the Kubernetes API's JSON schemas, offline,
 * with the npm package kubernetes-models (a dev dependency). Needs `kubectl` (it renders
 * offline); skipped without it, except under CI=true.
 */
import { test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSuiteVariable } from '../libs/core/src/index.js';

const K8S = fileURLToPath(new URL('../../k8s', import.meta.url));
const LAYOUTS = ['base', 'overlays/local', 'overlays/cluster', 'overlays/gpu'] as const;
type Layout = (typeof LAYOUTS)[number];

/* Only the fields the checks read. */
interface Probe {
  grpc?: { port: number };
  exec?: { command: string[] };
  tcpSocket?: { port: number | string };
  timeoutSeconds?: number;
  periodSeconds?: number;
  failureThreshold?: number;
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string } }[];
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    privileged?: boolean;
    capabilities?: { drop?: string[] };
  };
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
  volumes?: {
    name: string;
    secret?: { secretName: string };
    persistentVolumeClaim?: object;
    emptyDir?: object;
  }[];
  nodeSelector?: Record<string, string>;
  tolerations?: { key: string; effect?: string }[];
  automountServiceAccountToken?: boolean;
}
interface K8sObject {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> } & Record<string, string>;
    template?: { metadata: { labels: Record<string, string> }; spec: PodSpec };
    clusterIP?: string;
    ports?: { name: string; port: number; targetPort: string | number }[];
    podSelector?: { matchLabels?: Record<string, string>; matchExpressions?: { values: string[] }[] };
    ingress?: { ports?: { port: number }[] }[];
    scaleTargetRef?: { kind: string; name: string };
    minReplicas?: number;
    accessModes?: string[];
  };
}

/**
 * Renders a layout with `kubectl kustomize` and reads it back as objects: `kubectl label
 * --local -o json` prints each object as JSON without any cluster (the label it adds is
 * removed again).
 */
function render(layout: Layout): K8sObject[] {
  const yaml = execFileSync('kubectl', ['kustomize', `${K8S}/${layout}`], { encoding: 'utf8' });
  const json = execFileSync('kubectl', ['label', '--local', '-f', '-', '-o', 'json', 'nasunet.io/render=1'], {
    input: yaml,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return json
    .trim()
    .split(/\n}\n(?={)/)
    .map((chunk, i, all) => JSON.parse(i < all.length - 1 ? `${chunk}\n}` : chunk) as K8sObject)
    .map((o) => {
      delete o.metadata.labels?.['nasunet.io/render'];
      return o;
    });
}

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
if (!hasKubectl && process.env['CI'] === 'true') throw new Error('kubectl is needed to render k8s/');
const test = hasKubectl ? nodeTest : nodeTest.skip;

const rendered = new Map<Layout, K8sObject[]>();
const objects = (layout: Layout, kind?: string): K8sObject[] => {
  if (!rendered.has(layout)) rendered.set(layout, render(layout));
  return rendered.get(layout)!.filter((o) => kind === undefined || o.kind === kind);
};
const workloads = (layout: Layout): K8sObject[] =>
  objects(layout).filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
const byName = (layout: Layout, kind: string, name: string): K8sObject => {
  const o = objects(layout, kind).find((x) => x.metadata.name === name);
  assert.ok(o, `${layout}: no ${kind} ${name}`);
  return o;
};
const config = (layout: Layout): Record<string, string> =>
  byName(layout, 'ConfigMap', 'nasunet-config').data!;
/** Containers of the suite's own image (the stores run their own images). */
const isSuite = (c: Container): boolean => /^nasunet(-gpu)?:/.test(c.image);
const envOf = (c: Container, name: string) => c.env?.find((e) => e.name === name);
const matches = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

test('kubectl kustomize renders the base and every overlay', () => {
  for (const layout of LAYOUTS) {
    const kinds = new Set(objects(layout).map((o) => o.kind));
    for (const k of ['ConfigMap', 'Deployment', 'Service', 'NetworkPolicy', 'PersistentVolumeClaim'])
      assert.ok(kinds.has(k), `${layout} renders no ${k}`);
  }
  assert.deepEqual(
    objects('overlays/cluster', 'StatefulSet')
      .map((o) => o.metadata.name)
      .sort(),
    ['nasunet-postgres', 'nasunet-redis'],
  );
  assert.deepEqual(objects('overlays/local', 'StatefulSet'), []);
});

test('every container runs non-root, read-only, unprivileged, with requests, a memory limit and probes', () => {
  for (const layout of LAYOUTS) {
    for (const w of workloads(layout)) {
      const pod = w.spec!.template!.spec;
      const where = `${layout} ${w.metadata.name}`;
      assert.equal(pod.securityContext?.runAsNonRoot, true, `${where}: runAsNonRoot`);
      assert.ok((pod.securityContext?.runAsUser ?? 0) > 0, `${where}: numeric non-root runAsUser`);
      assert.equal(pod.securityContext?.seccompProfile?.type, 'RuntimeDefault', where);
      assert.equal(pod.automountServiceAccountToken, false, `${where}: no API token in the pod`);
      for (const c of pod.containers) {
        const at = `${where}/${c.name}`;
        assert.equal(c.securityContext?.allowPrivilegeEscalation, false, `${at}: allowPrivilegeEscalation`);
        assert.equal(c.securityContext?.readOnlyRootFilesystem, true, `${at}: readOnlyRootFilesystem`);
        assert.equal(c.securityContext?.privileged, false, `${at}: privileged`);
        assert.deepEqual(c.securityContext?.capabilities?.drop, ['ALL'], `${at}: capabilities`);
        assert.ok(c.resources?.requests?.['cpu'] !== undefined, `${at}: cpu request`);
        assert.ok(c.resources?.requests?.['memory'] !== undefined, `${at}: memory request`);
        assert.ok(c.resources?.limits?.['memory'] !== undefined, `${at}: memory limit`);
        for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
          const p = c[kind];
          assert.ok(p, `${at}: no ${kind}`);
          // A probe that gives up after a second fails a busy process: at least 5 s each.
          assert.ok((p.timeoutSeconds ?? 1) >= 5, `${at}: ${kind} timeout under 5 s`);
        }
        // Liveness restarts only after a minute or more without an answer.
        const live = c.livenessProbe!;
        assert.ok(
          (live.periodSeconds ?? 10) * (live.failureThreshold ?? 3) >= 60,
          `${at}: liveness too eager`,
        );
      }
    }
  }
});

test('the suite probes itself with native gRPC probes on its plaintext health port', () => {
  for (const layout of LAYOUTS) {
    const healthPort = Number(config(layout)['NASUNET_HEALTH_PORT']);
    assert.ok(healthPort > 0, `${layout}: NASUNET_HEALTH_PORT`);
    for (const w of workloads(layout)) {
      for (const c of w.spec!.template!.spec.containers.filter(isSuite)) {
        const at = `${layout} ${w.metadata.name}`;
        assert.ok(
          c.envFrom?.some((e) => e.configMapRef?.name === 'nasunet-config'),
          `${at}: config`,
        );
        for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const)
          assert.equal(c[kind]!.grpc?.port, healthPort, `${at}: ${kind} is not gRPC on the health port`);
        const ports = new Map((c.ports ?? []).map((p) => [p.name, p.containerPort]));
        assert.equal(ports.get('health'), healthPort, `${at}: health port`);
        // The service port is the one the process binds (NASUNET_PORT); nothing calls a worker,
        // so its pod exposes none.
        const isWorker = envOf(c, 'NASUNET_JOB_ROLE')?.value === 'worker';
        if (isWorker) assert.equal(ports.get('grpc'), undefined, `${at}: a worker exposes no API`);
        else assert.equal(String(ports.get('grpc')), envOf(c, 'NASUNET_PORT')?.value, `${at}: grpc port`);
      }
    }
  }
});

test('every replicated workload has a PodDisruptionBudget; the HPA scales segmentation from 2', () => {
  for (const layout of LAYOUTS) {
    const pdbs = objects(layout, 'PodDisruptionBudget');
    const hpas = objects(layout, 'HorizontalPodAutoscaler');
    for (const w of workloads(layout)) {
      const scaled = hpas.find((h) => h.spec!.scaleTargetRef!.name === w.metadata.name);
      const replicas = Math.max(w.spec!.replicas ?? 1, scaled?.spec!.minReplicas ?? 0);
      if (replicas <= 1) continue;
      const labels = w.spec!.template!.metadata.labels;
      const covering = pdbs.filter((p) => matches(p.spec!.selector!.matchLabels!, labels));
      assert.equal(
        covering.length,
        1,
        `${layout} ${w.metadata.name}: ${covering.length} PDBs for ${replicas} replicas`,
      );
    }
  }
  for (const layout of ['overlays/cluster', 'overlays/gpu'] as const) {
    const hpa = byName(layout, 'HorizontalPodAutoscaler', 'nasunet-inference');
    assert.deepEqual(hpa.spec!.scaleTargetRef, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'nasunet-inference',
    });
    assert.ok(hpa.spec!.minReplicas! >= 2);
    for (const name of ['registry', 'search', 'training', 'inference', 'search-worker', 'training-worker'])
      assert.ok(
        byName(layout, 'Deployment', `nasunet-${name}`).spec!.replicas! >= 2,
        `${layout} ${name} replicas`,
      );
  }
  // The embedded stores belong to one process each: one replica, never two during a rollout.
  for (const w of workloads('overlays/local')) assert.equal(w.spec!.replicas, 1, w.metadata.name);
});

test('Services are headless and reach a named port of the pods they select', () => {
  for (const layout of LAYOUTS) {
    for (const s of objects(layout, 'Service')) {
      const at = `${layout} ${s.metadata.name}`;
      assert.equal(s.spec!.clusterIP, 'None', `${at}: not headless`);
      const pods = workloads(layout).filter((w) =>
        matches(s.spec!.selector as Record<string, string>, w.spec!.template!.metadata.labels),
      );
      assert.equal(pods.length, 1, `${at}: selects ${pods.length} workloads`);
      const named = new Map(
        pods[0]!.spec!.template!.spec.containers.flatMap((c) => c.ports ?? []).map((p) => [p.name, p]),
      );
      for (const p of s.spec!.ports!) {
        const target = named.get(String(p.targetPort));
        assert.ok(target, `${at}: no container port ${String(p.targetPort)}`);
        // Clients dial the pods directly (headless): the Service port must be the pod's port.
        assert.equal(p.port, target.containerPort, `${at}: port ${p.port}`);
      }
    }
  }
});

test('NetworkPolicies deny by default and admit each port only from what must talk to it', () => {
  for (const layout of LAYOUTS) {
    const policies = objects(layout, 'NetworkPolicy');
    const deny = policies.find((p) => Object.keys(p.spec!.podSelector ?? {}).length === 0);
    assert.ok(deny && (deny.spec!.ingress ?? []).length === 0, `${layout}: no default-deny ingress policy`);
    const admitted = new Set(
      policies.flatMap((p) => (p.spec!.ingress ?? []).flatMap((r) => (r.ports ?? []).map((x) => x.port))),
    );
    for (const s of objects(layout, 'Service'))
      for (const p of s.spec!.ports!)
        assert.ok(admitted.has(p.port), `${layout}: port ${p.port} admitted by no policy`);
    // The plaintext health port is for the kubelet (always admitted from the node) only.
    assert.ok(
      !admitted.has(Number(config(layout)['NASUNET_HEALTH_PORT'])),
      `${layout}: health port open to pods`,
    );
  }
  // The stores admit their users only: PostgreSQL the registry, Redis the job services and workers.
  const admits = (name: string): string[] =>
    JSON.stringify(byName('overlays/cluster', 'NetworkPolicy', name).spec!.ingress)
      .match(/nasunet-[a-z-]+/g)!
      .sort();
  assert.deepEqual(admits('nasunet-postgres'), ['nasunet-registry']);
  assert.deepEqual(admits('nasunet-redis'), [
    'nasunet-search',
    'nasunet-search-worker',
    'nasunet-training',
    'nasunet-training-worker',
  ]);
});

test('TLS and token Secrets are mounted where the configuration points; data and /tmp are volumes', () => {
  for (const layout of LAYOUTS) {
    const cfg = config(layout);
    for (const w of workloads(layout)) {
      const pod = w.spec!.template!.spec;
      for (const c of pod.containers.filter(isSuite)) {
        const at = `${layout} ${w.metadata.name}`;
        const secretAt = (dir: string): string | undefined => {
          const mount = c.volumeMounts?.find((m) => m.mountPath === dir);
          return pod.volumes?.find((v) => v.name === mount?.name)?.secret?.secretName;
        };
        for (const v of ['NASUNET_TLS_CERT', 'NASUNET_TLS_KEY', 'NASUNET_TLS_CLIENT_CA', 'NASUNET_TLS_CA'])
          assert.equal(secretAt(posix.dirname(cfg[v]!)), 'nasunet-tls', `${at}: ${v}`);
        assert.equal(secretAt(dirname(cfg['NASUNET_TOKENS_FILE']!)), 'nasunet-tokens', `${at}: tokens`);
        // Everything but the registry calls the registry with its own token.
        if (w.metadata.name !== 'nasunet-registry')
          assert.equal(secretAt(dirname(cfg['NASUNET_SERVICE_TOKEN_FILE']!)), 'nasunet-service-token', at);
        // The root filesystem is read-only: the data directory and /tmp (HOME) are volumes.
        const volumeAt = (dir: string) =>
          pod.volumes?.find((v) => v.name === c.volumeMounts?.find((m) => m.mountPath === dir)?.name);
        assert.ok(volumeAt(cfg['NASUNET_DATA_DIR']!)?.persistentVolumeClaim, `${at}: data volume`);
        assert.ok(volumeAt('/tmp')?.emptyDir, `${at}: /tmp`);
      }
    }
    assert.equal(cfg['NASUNET_HOST'], '0.0.0.0');
  }
  assert.equal(config('overlays/cluster')['OTEL_EXPORTER_OTLP_ENDPOINT'], 'http://otel-collector:4317');
  assert.equal(config('overlays/local')['OTEL_TRACES_EXPORTER'], 'none');
});

test('every NASUNET_* variable the rendered manifests set is one the suite reads', () => {
  for (const layout of LAYOUTS) {
    const names = [
      ...Object.keys(config(layout)),
      ...workloads(layout).flatMap((w) =>
        w.spec!.template!.spec.containers.flatMap((c) => (c.env ?? []).map((e) => e.name)),
      ),
    ].filter((n) => n.startsWith('NASUNET_'));
    assert.deepEqual(
      [...new Set(names.filter((n) => !isSuiteVariable(n)))],
      [],
      `${layout}: set but read by nothing`,
    );
  }
});

test('the cluster mode: PostgreSQL, BullMQ and their URLs from a Secret, only where used', () => {
  for (const layout of ['overlays/cluster', 'overlays/gpu'] as const) {
    const cfg = config(layout);
    assert.equal(cfg['NASUNET_STORE'], 'postgres');
    assert.equal(cfg['NASUNET_QUEUE'], 'bullmq');
    const uses = (variable: string, key: string): string[] =>
      workloads(layout)
        .filter((w) =>
          w.spec!.template!.spec.containers.some((c) => {
            const ref = envOf(c, variable)?.valueFrom?.secretKeyRef;
            return ref?.name === 'nasunet-stores' && ref.key === key;
          }),
        )
        .map((w) => w.metadata.name.replace(/^nasunet-/, ''))
        .sort();
    // Only the registry keeps state in PostgreSQL; the job services keep theirs in Redis.
    assert.deepEqual(uses('NASUNET_DATABASE_URL', 'database-url'), ['registry']);
    assert.deepEqual(uses('NASUNET_REDIS_URL', 'redis-url'), [
      'search',
      'search-worker',
      'training',
      'training-worker',
    ]);
    for (const kind of ['search', 'training']) {
      const worker = byName(layout, 'Deployment', `nasunet-${kind}-worker`).spec!.template!.spec
        .containers[0]!;
      assert.deepEqual(worker.command, ['node', `dist/services/${kind}/src/main.js`]);
      assert.equal(envOf(worker, 'NASUNET_JOB_ROLE')?.value, 'worker', `${kind} worker role`);
      assert.equal(
        envOf(worker, `NASUNET_${kind.toUpperCase()}_CONCURRENCY`)?.value,
        '1',
        `${kind} worker: one job per pod (one GPU each in gpu)`,
      );
      const api = byName(layout, 'Deployment', `nasunet-${kind}`).spec!.template!.spec.containers[0]!;
      assert.equal(envOf(api, 'NASUNET_JOB_ROLE')?.value, 'api', `${kind} API role`);
    }
  }
  for (const layout of ['base', 'overlays/local'] as const) {
    assert.equal(config(layout)['NASUNET_STORE'], undefined, `${layout} is the embedded mode`);
    assert.ok(!objects(layout, 'Deployment').some((d) => d.metadata.name.endsWith('-worker')), layout);
  }
  assert.deepEqual(byName('overlays/local', 'PersistentVolumeClaim', 'nasunet-artifacts').spec!.accessModes, [
    'ReadWriteOnce',
  ]);
  assert.deepEqual(
    byName('overlays/cluster', 'PersistentVolumeClaim', 'nasunet-artifacts').spec!.accessModes,
    ['ReadWriteMany'],
  );
});

test('GPUs: the gpu overlay requests one per worker pod, on GPU nodes, and nothing else asks for one', () => {
  for (const layout of LAYOUTS) {
    for (const w of workloads(layout)) {
      const pod = w.spec!.template!.spec;
      const gpuWorker =
        layout === 'overlays/gpu' && /^nasunet-(search|training)-worker$/.test(w.metadata.name);
      for (const c of pod.containers) {
        const at = `${layout} ${w.metadata.name}`;
        if (!gpuWorker) {
          assert.equal(JSON.stringify(c.resources).includes('nvidia.com/gpu'), false, `${at} asks for a GPU`);
          continue;
        }
        assert.equal(String(c.resources?.limits?.['nvidia.com/gpu']), '1', `${at}: GPU limit`);
        assert.equal(String(c.resources?.requests?.['nvidia.com/gpu']), '1', `${at}: GPU request`);
        assert.match(c.image, /^nasunet-gpu:/, `${at}: the GPU image`);
        assert.equal(envOf(c, 'NVIDIA_DRIVER_CAPABILITIES')?.value, 'compute,utility,graphics', at);
        // The device plugin chooses the GPU: a fixed NVIDIA_VISIBLE_DEVICES would bypass it.
        assert.equal(envOf(c, 'NVIDIA_VISIBLE_DEVICES'), undefined, at);
      }
      if (gpuWorker) {
        assert.equal(pod.nodeSelector?.['nvidia.com/gpu.present'], 'true', w.metadata.name);
        assert.ok(pod.tolerations?.some((t) => t.key === 'nvidia.com/gpu' && t.effect === 'NoSchedule'));
      } else {
        assert.equal(pod.nodeSelector, undefined, `${layout} ${w.metadata.name}: node selector`);
      }
    }
  }
});

/** A model class of kubernetes-models: validates an object against its API schema. */
type ModelClass = new (o: object) => { validate(): void };

/** The kubernetes-models class of an object's apiVersion and kind. */
async function modelOf(o: K8sObject & { apiVersion: string }): Promise<ModelClass> {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : [undefined, o.apiVersion];
  const path = `kubernetes-models/${group === undefined ? version : `${group}/${version}`}/${o.kind}`;
  const model = ((await import(path)) as Record<string, ModelClass>)[o.kind];
  assert.ok(model, `kubernetes-models has no ${o.apiVersion} ${o.kind}`);
  return model;
}

test('every rendered object is valid against the Kubernetes API schema (kubernetes-models)', async () => {
  const invalid: string[] = [];
  for (const layout of LAYOUTS) {
    for (const o of objects(layout) as (K8sObject & { apiVersion: string })[]) {
      const Model = await modelOf(o);
      try {
        new Model(o).validate();
      } catch (err) {
        invalid.push(`${layout} ${o.kind} ${o.metadata.name}: ${(err as Error).message}`);
      }
    }
  }
  assert.deepEqual(invalid, []);
});
