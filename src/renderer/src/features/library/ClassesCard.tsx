// Classes with their counts per split; add, rename and merge.
import { useState } from 'react';
import type { ClassInfo } from '../../../../shared/types';
import { classSlot, useApp } from '../../app/app.store';
import { int } from '../../app/format';
import { replaceFilter } from '../browse/browse.store';
import { navigate } from '../../app/app.store';
import { addClass, mergeClasses, renameClass } from './library.store';

export function ClassesCard() {
  const library = useApp((s) => s.library);
  const [name, setName] = useState('');
  const classes = library?.classes ?? [];
  return (
    <div className="card" data-testid="classes-card">
      <div className="card-head">
        <h3>Classes</h3>
        <span className="muted small">{classes.length} · number keys 1–9 follow this order</span>
        <div className="spacer" />
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim()) void addClass(name.trim()).then((ok) => ok && setName(''));
          }}
        >
          <input className="input sm" placeholder="New class name" value={name} onChange={(e) => setName(e.target.value)} aria-label="New class name" />
          <button className="btn sm" type="submit" disabled={!name.trim()}>
            Add class
          </button>
        </form>
      </div>
      {classes.length === 0 ? (
        <p className="muted small">No classes yet: importing a folder creates one per sub-folder.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th style={{ width: 28 }}>#</th>
              <th>Class</th>
              <th className="num">Images</th>
              <th className="num">Train</th>
              <th className="num">Val</th>
              <th className="num">Test</th>
              <th style={{ width: 260 }} />
            </tr>
          </thead>
          <tbody>
            {classes.map((c, i) => (
              <ClassRow key={c.id} c={c} position={i} all={classes} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function ClassRow({ c, position, all }: { c: ClassInfo; position: number; all: ClassInfo[] }) {
  const library = useApp((s) => s.library);
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(c.name);
  return (
    <tr data-testid={`class-row-${c.name}`}>
      <td className="faint">{position < 9 ? position + 1 : ''}</td>
      <td>
        {editing ? (
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              void renameClass(c.id, text.trim()).then((ok) => ok && setEditing(false));
            }}
          >
            <input className="input sm" autoFocus value={text} onChange={(e) => setText(e.target.value)} aria-label={`Rename ${c.name}`} />
            <button className="btn sm primary" type="submit">
              Save
            </button>
            <button className="btn sm ghost" type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <button
            className="btn ghost sm"
            title="Browse this class"
            onClick={() => {
              replaceFilter({ classIds: [c.id] });
              navigate('browse');
            }}
          >
            <i className="dot" style={{ background: `var(--class-${classSlot(library, c.id)})` }} />
            {c.name}
          </button>
        )}
      </td>
      <td className="num">{int(c.count)}</td>
      <td className="num">{int(c.perSplit.train)}</td>
      <td className="num">{int(c.perSplit.val)}</td>
      <td className="num">{int(c.perSplit.test)}</td>
      <td>
        <div className="row" style={{ justifyContent: 'flex-end' }}>
          {!editing && (
            <button className="btn sm ghost" onClick={() => (setText(c.name), setEditing(true))}>
              Rename
            </button>
          )}
          <select
            className="select sm"
            aria-label={`Merge ${c.name} into`}
            value=""
            onChange={(e) => {
              const into = all.find((x) => x.id === Number(e.target.value));
              if (into && window.confirm(`Move all ${c.count} images of ${c.name} into ${into.name}?`))
                void mergeClasses(c.id, into.id);
            }}
          >
            <option value="">Merge into…</option>
            {all
              .filter((x) => x.id !== c.id)
              .map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
          </select>
        </div>
      </td>
    </tr>
  );
}
