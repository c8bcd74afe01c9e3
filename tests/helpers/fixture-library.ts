// A real library (SQLite file in a temp folder) filled by inserting rows directly: fast fixtures for browsing,
// labeling and class tests that need no image files. The import tests use real JPEGs instead.
import type Database from 'better-sqlite3';
import type { AppContext } from '../../src/main/api/context';
import { openLibrary, type Library } from '../../src/main/library';
import type { Split } from '../../src/shared/types';
import { tempDir } from './tmp';
import { rng } from '../../src/main/engine/random';

export interface Fixture {
  lib: Library;
  classIds: Record<string, number>;
  /** Image ids in insertion order. */
  imageIds: number[];
}

export interface FixtureOptions {
  classes?: string[];
  perClass?: number;
  /** Journal the folder labels as the importer does (one 'folder' batch). */
  journalFolderLabels?: boolean;
  /** Mark every n-th image as a conflict. */
  conflictEvery?: number;
  dir?: string;
}

const SPLIT_CYCLE: Split[] = ['train', 'train', 'train', 'train', 'val', 'test'];

/** Classes, `perClass` images per class labelled from their folder, splits assigned round-robin. */
export function fixtureLibrary(opts: FixtureOptions = {}): Fixture {
  const classes = opts.classes ?? ['Arborio', 'Basmati', 'Ipsala', 'Jasmine', 'Karacadag'];
  const perClass = opts.perClass ?? 4;
  const lib = openLibrary(opts.dir ?? tempDir('paddy-fixture-'), { create: true });
  const { classIds, imageIds } = fillLibrary(lib.db, classes, perClass, opts);
  return { lib, classIds, imageIds };
}

export function fillLibrary(
  db: Database.Database,
  classes: string[],
  perClass: number,
  opts: Pick<FixtureOptions, 'journalFolderLabels' | 'conflictEvery'> = {},
): { classIds: Record<string, number>; imageIds: number[] } {
  const classIds: Record<string, number> = {};
  const imageIds: number[] = [];
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  db.transaction(() => {
    const addClass = db.prepare(`INSERT INTO classes (name, position, created_at) VALUES (?, ?, ?)`);
    classes.forEach((name, i) => {
      classIds[name] = Number(addClass.run(name, i, new Date(t0).toISOString()).lastInsertRowid);
    });
    const importId = Number(
      db
        .prepare(`INSERT INTO imports (folder, started_at, finished_at, status) VALUES ('/data/fixture', ?, ?, 'completed')`)
        .run(new Date(t0).toISOString(), new Date(t0).toISOString()).lastInsertRowid,
    );
    const addImage = db.prepare(`
      INSERT INTO images (sha256, source_path, file_name, width, height, format, bytes, imported_at, import_id, conflict)
      VALUES (?, ?, ?, 250, 250, 'jpeg', ?, ?, ?, ?)`);
    const addSource = db.prepare(`INSERT INTO image_sources (image_id, path, class_name, import_id) VALUES (?, ?, ?, ?)`);
    const addLabel = db.prepare(`INSERT INTO labels (image_id, class_id, origin, updated_at) VALUES (?, ?, 'folder', ?)`);
    const addSplit = db.prepare(`INSERT INTO splits (image_id, split, assigned_at) VALUES (?, ?, ?)`);
    const batch = opts.journalFolderLabels
      ? (db.prepare(`SELECT COALESCE(MAX(batch_id), 0) + 1 AS b FROM label_journal`).get() as { b: number }).b
      : 0;
    const journal = db.prepare(
      `INSERT INTO label_journal (batch_id, image_id, old_class_id, new_class_id, origin, at, state) VALUES (?, ?, NULL, ?, 'folder', ?, 'done')`,
    );
    let n = 0;
    // Interleave classes so that name order, date order and class do not coincide.
    for (let k = 0; k < perClass; k++) {
      for (const name of classes) {
        const at = new Date(t0 + n * 1000).toISOString();
        const fileName = `${name.toLowerCase()} (${k + 1}).jpg`;
        const path = `/data/fixture/${name}/${fileName}`;
        const conflict = opts.conflictEvery && n % opts.conflictEvery === 0 ? 1 : 0;
        const id = Number(addImage.run(`sha-${name}-${k}-${n}`, path, fileName, 1000 + n, at, importId, conflict).lastInsertRowid);
        addSource.run(id, path, name, importId);
        addLabel.run(id, classIds[name], at);
        addSplit.run(id, SPLIT_CYCLE[n % SPLIT_CYCLE.length], at);
        if (opts.journalFolderLabels) journal.run(batch, id, classIds[name], at);
        imageIds.push(id);
        n++;
      }
    }
  })();
  return { classIds, imageIds };
}

export interface FixturePrediction {
  imageId: number;
  trueClassId: number;
  predictedClassId: number;
  confidence: number;
  loss: number;
  /** In the order of `classNames`. */
  probs: number[];
}

/** A completed run with per-image test predictions, as the training work stores them. */
export function insertRun(
  db: Database.Database,
  runId: string,
  classNames: string[],
  predictions: FixturePrediction[],
  opts: { model?: 'cnn' | 'mobilenetv2'; createdAt?: string } = {},
): void {
  db.transaction(() => {
    db.prepare(
      `INSERT INTO runs (id, model, status, config, seed, created_at, finished_at, classes) VALUES (?, ?, 'completed', '{}', 1, ?, ?, ?)`,
    ).run(runId, opts.model ?? 'cnn', opts.createdAt ?? new Date().toISOString(), opts.createdAt ?? new Date().toISOString(), JSON.stringify(classNames));
    const ins = db.prepare(
      // Each prediction keeps the split the image has now, as a run's snapshot would record it.
      `INSERT INTO run_predictions (run_id, image_id, true_class_id, predicted_class_id, confidence, loss, probs, split)
       VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT split FROM splits WHERE image_id = ?))`,
    );
    for (const p of predictions) ins.run(runId, p.imageId, p.trueClassId, p.predictedClassId, p.confidence, p.loss, JSON.stringify(p.probs), p.imageId);
  })();
}

/** Current labels as a plain map, for comparing with a model of what they should be. */
export function labelMap(db: Database.Database): Map<number, { classId: number; origin: string }> {
  const rows = db.prepare(`SELECT image_id AS imageId, class_id AS classId, origin FROM labels`).all() as Array<{
    imageId: number;
    classId: number;
    origin: string;
  }>;
  return new Map(rows.map((r) => [r.imageId, { classId: r.classId, origin: r.origin }]));
}

/** A small seeded generator (the training code's mulberry32) so property tests replay exactly. */
export const seededRandom = rng;

/** An AppContext over one library that records the events handlers emit (no training, no dialogs). */
export function fixtureContext(lib: Library): AppContext & { events: Array<{ name: string; payload: unknown }> } {
  const events: Array<{ name: string; payload: unknown }> = [];
  return {
    host: 'cli',
    library: () => lib,
    switchLibrary: () => {
      throw new Error('fixture context has one library');
    },
    emit: (name, payload) => events.push({ name, payload }),
    workers: {
      start: () => Promise.reject(new Error('no training in this fixture')),
      runJob: () => Promise.reject(new Error('no worker jobs in this fixture')),
      cancel: () => false,
      cancelJobs: () => 0,
      wait: () => Promise.resolve(),
      dispose: () => Promise.resolve(),
    },
    dialogs: null,
    events,
  };
}
