// CSV import (P10): pick a file, map its columns to fields (guessed from the headers), start the
// server's import job (voronka.crm.import.start) and follow its progress until it is done.
import { useEffect, useState } from 'preact/hooks';
import { call } from './api.js';
import { fieldLabel, t } from './i18n.js';
import { loadFields } from './state.js';
import { TYPES } from './entities.js';
import { Modal, toastError } from './ui.jsx';

// The header row: the first record of the text, split at the delimiter the server would pick.
function headerOf(text) {
  const line = [];
  let cell = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const first = text.slice(i, text.search(/\r|\n/) >= 0 ? text.search(/\r|\n/) : undefined);
  const counts = [';', ',', '\t'].map((d) => [d, first.split(d).length]);
  const delim = counts.sort((a, b) => b[1] - a[1])[0][0];
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === delim) { line.push(cell.trim()); cell = ''; } else if (c === '\n' || c === '\r') break;
    else cell += c;
  }
  line.push(cell.trim());
  return line;
}

function decode(bytes) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1251').decode(bytes);
  }
}

function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function ImportDialog({ type, onClose }) {
  const T = TYPES[type];
  const [fields, setFields] = useState(null);
  const [file, setFile] = useState(null); // {name, bytes, headers}
  const [map, setMap] = useState({});
  const [job, setJob] = useState(null);
  const [status, setStatus] = useState(null);

  useEffect(() => { loadFields(T.method).then(setFields, toastError); }, [type]);
  const writable = fields ? Object.entries(fields).filter(([, d]) => !d.isReadOnly && d.type !== 'file') : [];

  const pick = async (e) => {
    const f = e.currentTarget.files[0];
    if (!f) return;
    const bytes = new Uint8Array(await f.arrayBuffer());
    const headers = headerOf(decode(bytes));
    const guess = {};
    headers.forEach((h, i) => {
      const low = h.toLowerCase();
      const hit = writable.find(([code, d]) => code.toLowerCase() === low || d.title?.toLowerCase() === low || fieldLabel(code, d).toLowerCase() === low);
      guess[i] = hit ? hit[0] : '';
    });
    setFile({ name: f.name, bytes, headers });
    setMap(guess);
  };

  const start = async () => {
    const mapping = {};
    file.headers.forEach((h, i) => { if (map[i]) mapping[String(i)] = map[i]; });
    try {
      const r = await call('voronka.crm.import.start', { entityTypeId: T.id, content: base64(file.bytes), mapping });
      setJob(r.jobId);
    } catch (e) {
      toastError(e);
    }
  };

  useEffect(() => {
    if (!job) return;
    let stop = false;
    const poll = async () => {
      try {
        const s = await call('voronka.crm.import.status', { jobId: job });
        if (stop) return;
        setStatus(s);
        if (s.state !== 'done') setTimeout(poll, 400);
      } catch (e) {
        toastError(e);
      }
    };
    poll();
    return () => { stop = true; };
  }, [job]);

  return (
    <Modal title={t('import.title')} onClose={onClose} wide>
      {!job && (
        <div class="form">
          <label>{t('import.file')}<input type="file" accept=".csv,text/csv" onChange={pick} /></label>
          {file && (
            <>
              <h3>{t('import.mapping')}</h3>
              <div class="mapping">
                {file.headers.map((h, i) => (
                  <label key={i} class="map-row"><span class="map-col">{h || `#${i + 1}`}</span>
                    <select value={map[i] || ''} onChange={(e) => setMap({ ...map, [i]: e.currentTarget.value })}>
                      <option value="">{t('import.skip')}</option>
                      {writable.map(([code, d]) => <option key={code} value={code}>{fieldLabel(code, d)}</option>)}
                    </select>
                  </label>
                ))}
              </div>
              <div class="modal-foot">
                <button class="btn btn-primary" disabled={!Object.values(map).some(Boolean)} onClick={start}>{t('import.start')}</button>
                <button class="btn" onClick={onClose}>{t('cancel')}</button>
              </div>
            </>
          )}
        </div>
      )}
      {job && (
        <div class="import-progress">
          <progress max={status?.total || 1} value={status?.done || 0} aria-label={t('import.progress', { done: status?.done || 0, total: status?.total || 0 })} />
          <p>{t('import.progress', { done: status?.done || 0, total: status?.total || 0 })}</p>
          {status?.state === 'done' && <p><b>{t('import.result', { added: status.added, failed: status.failed })}</b></p>}
          {status?.errors?.length > 0 && (
            <ul class="import-errors">{status.errors.slice(0, 50).map((e, i) => <li key={i}>{t('import.row', { row: e.row })}: {e.field ? `${e.field}: ` : ''}{e.error}</li>)}</ul>
          )}
          <div class="modal-foot"><button class="btn" onClick={onClose}>{t('close')}</button></div>
        </div>
      )}
    </Modal>
  );
}
