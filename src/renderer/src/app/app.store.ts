// App-wide state: the current view, the open library, system info, the shortcut sheet and toasts.
// Actions are plain functions next to the store; buttons, menus and hotkeys call the same ones.
import { create } from 'zustand';
import type { LibraryInfo, SystemInfo } from '../../../shared/types';
import { getApi } from './api';
import { errorMessage } from './format';
import type { ViewId } from './keymap';

export interface Toast {
  id: number;
  text: string;
  kind: 'info' | 'error' | 'ok';
}

interface AppState {
  view: ViewId;
  library: LibraryInfo | null;
  libraryError: string | null;
  libraryLoading: boolean;
  system: SystemInfo | null;
  systemError: string | null;
  helpOpen: boolean;
  toasts: Toast[];
}

export const useApp = create<AppState>(() => ({
  view: 'library',
  library: null,
  libraryError: null,
  libraryLoading: true,
  system: null,
  systemError: null,
  helpOpen: false,
  toasts: [],
}));

export function navigate(view: ViewId): void {
  useApp.setState({ view });
}

export function toggleHelp(open?: boolean): void {
  useApp.setState((s) => ({ helpOpen: open ?? !s.helpOpen }));
}

let toastSeq = 0;
export function toast(text: string, kind: Toast['kind'] = 'info'): void {
  const id = ++toastSeq;
  useApp.setState((s) => ({ toasts: [...s.toasts.slice(-3), { id, text, kind }] }));
  const timer: unknown = setTimeout(() => useApp.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })), kind === 'error' ? 7000 : 3500);
  // Under node (the actions' tests) a pending toast must not keep the process alive.
  (timer as { unref?: () => void }).unref?.();
}

export async function refreshLibrary(): Promise<void> {
  try {
    const library = await getApi()['library.info']({});
    useApp.setState({ library, libraryError: null, libraryLoading: false });
  } catch (e) {
    useApp.setState({ libraryError: errorMessage(e), libraryLoading: false });
  }
}

/** Coalesces the refreshes a burst of label changes asks for into one request, made after the last of them. */
let pendingRefresh: ReturnType<typeof setTimeout> | null = null;
export function refreshLibrarySoon(): void {
  if (pendingRefresh) clearTimeout(pendingRefresh);
  pendingRefresh = setTimeout(() => {
    pendingRefresh = null;
    void refreshLibrary();
  }, 250);
}

export async function loadSystem(): Promise<void> {
  try {
    const system = await getApi()['system.info']({});
    useApp.setState({ system, systemError: null });
  } catch (e) {
    useApp.setState({ systemError: errorMessage(e) });
  }
}

/** Class colour slot (0..9) of a class id: by its position in the library's class list. */
export function classSlot(library: LibraryInfo | null, classId: number | null | undefined): number {
  if (!library || classId === null || classId === undefined) return -1;
  const i = library.classes.findIndex((c) => c.id === classId);
  return i < 0 ? -1 : i % 10;
}
