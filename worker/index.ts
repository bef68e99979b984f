import { app } from './app';

export type { AppType } from './app';
export default app;
// Durable Object classes must be exported from the main module.
export { IndexCoordinator } from './coordinator/index-coordinator';
