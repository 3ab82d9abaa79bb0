/**
 * The only place that forks the workspace server: an Electron utilityProcess (a Node process with
 * Electron's ABI, no renderer, no Electron APIs) adapted to server-host's small ServerChild
 * interface. Nothing secret goes into argv or env here; the secret follows over the MessagePort.
 */
import { utilityProcess } from 'electron';
import type { ForkServer } from './server-host';
import { serverProcessEnv } from './security';

export const SERVER_SERVICE_NAME = 'Attest workspace server';

export function utilityProcessForker(modulePath: string): ForkServer {
  return () => {
    const child = utilityProcess.fork(modulePath, [], {
      serviceName: SERVER_SERVICE_NAME,
      env: serverProcessEnv(process.env),
      // Server logs go to the app's stdio; the server never logs PHI (security-bar H-05).
      stdio: 'inherit',
    });
    return {
      postMessage: (message) => child.postMessage(message),
      kill: () => {
        child.kill();
      },
      onSpawn: (listener) => {
        child.once('spawn', listener);
      },
      onMessage: (listener) => {
        child.on('message', (message: unknown) => listener(message));
      },
      onExit: (listener) => {
        child.once('exit', listener);
      },
    };
  };
}
