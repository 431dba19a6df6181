/**
 * What the Files panel browses on the customer's computer, framework-free: the places the
 * helper offers, the folder shown (a place and the folders below it), its entries, and where a
 * file sent now would go (the folder shown, or Downloads, or the first place). Every request goes
 * through FileTransfers; an answer that arrives after the agent moved on is ignored.
 */
import type { FileWhere } from '../../../protocol/data/files';
import type { FileTransfers, FolderListing, Place } from './file-transfers';

export interface BrowserState {
  places: Place[] | null;
  where: FileWhere | null;
  listing: FolderListing | null;
  loading: boolean;
  error: { code: string; message: string } | null;
  showHidden: boolean;
}

type Listener = (s: BrowserState) => void;

/** The place a drop goes to when the agent has not opened a folder. */
const DEFAULT_PLACE = 'Downloads';

export class FolderBrowser {
  private stateValue: BrowserState = {
    places: null,
    where: null,
    listing: null,
    loading: false,
    error: null,
    showHidden: false,
  };
  private readonly listeners = new Set<Listener>();
  private serial = 0;

  constructor(private readonly files: FileTransfers) {}

  get state(): BrowserState {
    return this.stateValue;
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    l(this.stateValue);
    return () => this.listeners.delete(l);
  }

  /** Where a file sent now goes: the folder shown, else Downloads, else the first place. */
  destination(): FileWhere | null {
    if (this.stateValue.where) return this.stateValue.where;
    const places = this.stateValue.places ?? [];
    const place = places.find((p) => p.name === DEFAULT_PLACE) ?? places[0];
    return place ? { place: place.name, dirs: [] } : null;
  }

  async loadPlaces(): Promise<void> {
    const serial = ++this.serial;
    this.set({ loading: true, error: null });
    try {
      const places = await this.files.places();
      if (serial === this.serial) this.set({ places, loading: false });
    } catch (err) {
      if (serial === this.serial) this.set({ loading: false, error: errorOf(err) });
    }
  }

  async open(where: FileWhere): Promise<void> {
    const serial = ++this.serial;
    this.set({ where, loading: true, error: null });
    try {
      const listing = await this.files.list(where);
      if (serial === this.serial) this.set({ listing, loading: false });
    } catch (err) {
      if (serial === this.serial) this.set({ listing: null, loading: false, error: errorOf(err) });
    }
  }

  enter(name: string): Promise<void> {
    const w = this.stateValue.where;
    return w ? this.open({ place: w.place, dirs: [...w.dirs, name] }) : Promise.resolve();
  }

  up(): Promise<void> {
    const w = this.stateValue.where;
    if (!w) return Promise.resolve();
    if (w.dirs.length === 0) {
      this.set({ where: null, listing: null });
      return Promise.resolve();
    }
    return this.open({ place: w.place, dirs: w.dirs.slice(0, -1) });
  }

  refresh(): Promise<void> {
    const w = this.stateValue.where;
    return w ? this.open(w) : this.loadPlaces();
  }

  setShowHidden(show: boolean): void {
    this.set({ showHidden: show });
  }

  private set(patch: Partial<BrowserState>): void {
    this.stateValue = { ...this.stateValue, ...patch };
    for (const l of this.listeners) l(this.stateValue);
  }
}

function errorOf(err: unknown): { code: string; message: string } {
  const e = err as { code?: unknown; message?: unknown };
  return {
    code: typeof e?.code === 'string' ? e.code : 'unavailable',
    message: typeof e?.message === 'string' ? e.message : String(err),
  };
}
