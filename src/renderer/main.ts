import { pickBridge } from './bridge/pick-bridge.js';
import { mountDashboard, type RenderStats } from './dashboard.js';

declare global {
  interface Window {
    tapiDashboardStats?: RenderStats;
  }
}

const root = document.getElementById('app');
if (root) window.tapiDashboardStats = mountDashboard(root, pickBridge());
