export { DEFAULT_PORTS, SERVICE_NAMES, DIST_ROOT, serviceEntry, type ServiceName } from './services.js';
export { checkHealth, waitForServing, type WaitOptions } from './health-wait.js';
export { startServiceProcess, type ServiceProcess, type ServiceProcessOptions } from './service-process.js';
