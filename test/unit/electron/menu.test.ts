import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { menuTemplate } from '../../../electron/main/menu';

function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? roles(item.submenu) : []),
  ]);
}

describe('application menu', () => {
  it('offers DevTools and reload only in unpackaged runs (E-21)', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      expect(roles(menuTemplate(platform, true))).not.toContain('toggleDevTools');
      expect(roles(menuTemplate(platform, true))).not.toContain('reload');
      expect(roles(menuTemplate(platform, false))).toContain('toggleDevTools');
    }
  });

  it('uses standard roles only: no click handlers that could open URLs', () => {
    const walk = (items: MenuItemConstructorOptions[]): boolean =>
      items.every((item) => item.click === undefined && (!Array.isArray(item.submenu) || walk(item.submenu)));
    expect(walk(menuTemplate('darwin', true))).toBe(true);
    expect(walk(menuTemplate('linux', false))).toBe(true);
    expect(roles(menuTemplate('darwin', true))).toEqual(expect.arrayContaining(['copy', 'paste']));
  });
});
