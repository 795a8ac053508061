import { readResumeState, type ResumeState, type ResumeStore } from '../resume/resume-state.js';

const DATABASE = 'hoist-uploads';
const STORE = 'resume';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function run<T>(mode: IDBTransactionMode, action: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return open().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const request = action(db.transaction(STORE, mode).objectStore(STORE));
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      }).finally(() => db.close()),
  );
}

/** Resume states in the browser's IndexedDB, so a reloaded tab picks the same upload up. */
export function indexedDbResumeStore(): ResumeStore {
  return {
    load: async (key) => readResumeState(await run('readonly', (store) => store.get(key) as IDBRequest<unknown>)),
    save: async (key, state: ResumeState) => void (await run('readwrite', (store) => store.put(state, key))),
    remove: async (key) => void (await run('readwrite', (store) => store.delete(key))),
  };
}
