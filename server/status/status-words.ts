/**
 * The status page's words in every language Lifeline speaks: each check's name, and for each
 * finding (StatusCheck.code) what it means and what to do. Keyed by the stable codes, so a code
 * without words in one language is a compile error.
 */
import type { StatusCheckName, StatusState } from '../../protocol/http-api';
import type { Language } from '../../protocol/i18n/language';

export const STATUS_CODES = [
  'store_ok',
  'store_unreachable',
  'disk_ok',
  'disk_low',
  'disk_full',
  'disk_unreadable',
  'hub_ok',
  'hub_unreachable',
  'relay_ok',
  'relay_overloaded',
  'relay_unreachable',
] as const;
export type StatusCode = (typeof STATUS_CODES)[number];

export function isStatusCode(code: string): code is StatusCode {
  return (STATUS_CODES as readonly string[]).includes(code);
}

export interface StatusWords {
  title: string;
  overall: Record<StatusState, string>;
  state: Record<StatusState, string>;
  check: Record<StatusCheckName, string>;
  /** What a finding means and, when it is not ok, what to do. */
  finding: Record<StatusCode, string>;
  freeSpace: (gigabytes: string) => string;
  rows: { version: string; upFor: string; agentsOnline: string; sessions: string; waiting: string };
  upFor: (hours: number, minutes: number) => string;
  checkedAt: (time: string) => string;
  machineReadable: string;
  otherLanguage: string;
}

export const STATUS_WORDS: Record<Language, StatusWords> = {
  en: {
    title: 'Lifeline service status',
    overall: {
      ok: 'All systems operational.',
      degraded: 'The service works, with problems: see below.',
      down: 'The service is down: agents and customers cannot be served. See below for what to do.',
    },
    state: { ok: 'OK', degraded: 'Degraded', down: 'Down' },
    check: {
      store: 'Database',
      disk: 'Disk space for the data folder',
      hub: 'Connections (WebSocket hub)',
      relay: 'Screen sharing relay',
    },
    finding: {
      store_ok: 'The database answers.',
      store_unreachable:
        'The server cannot read its database: sign-ins and new requests fail. Server operator: check that ' +
        'PostgreSQL is running and reachable, or that the SQLite file in the data folder is intact ' +
        '(restore the last backup if not), then restart the server.',
      disk_ok: 'Enough free space.',
      disk_low:
        'Less than 1 GB free: backups and logs may soon not fit. Server operator: free space on the disk ' +
        'that holds the data folder.',
      disk_full:
        'Less than 100 MB free: saving requests, chats and the audit log is about to fail. Server operator: ' +
        'free space on the disk that holds the data folder now.',
      disk_unreadable:
        'The free space of the data folder cannot be read. Server operator: check that the folder exists ' +
        'and its disk is mounted.',
      hub_ok: 'Agents, customers and helpers can connect.',
      hub_unreachable:
        'The server does not answer connections: agents cannot sign in and customers cannot reach anyone. ' +
        'Server operator: restart the server and read its log.',
      relay_ok: 'Screen sharing passes.',
      relay_overloaded:
        'Most screen-sharing connections are held back by slow links or a busy server: pictures lag. ' +
        "Server operator: check the server's processor and network load.",
      relay_unreachable: 'Screen sharing cannot pass: it uses the connections above, which are down.',
    },
    freeSpace: (gb) => `${gb} GB free`,
    rows: {
      version: 'Version',
      upFor: 'Up for',
      agentsOnline: 'Agents online',
      sessions: 'Sessions in progress',
      waiting: 'Customers waiting',
    },
    upFor: (h, m) => `${h} h ${m} min`,
    checkedAt: (time) => `Checked at ${time} (UTC).`,
    machineReadable: 'Machine-readable:',
    otherLanguage: 'Français',
  },
  fr: {
    title: 'État du service Lifeline',
    overall: {
      ok: 'Tous les services fonctionnent.',
      degraded: 'Le service fonctionne, avec des problèmes : voir ci-dessous.',
      down: "Le service est arrêté : agents et clients ne peuvent pas être servis. Voir ci-dessous ce qu'il faut faire.",
    },
    state: { ok: 'OK', degraded: 'Dégradé', down: 'Arrêté' },
    check: {
      store: 'Base de données',
      disk: 'Espace disque du dossier de données',
      hub: 'Connexions (concentrateur WebSocket)',
      relay: "Relais du partage d'écran",
    },
    finding: {
      store_ok: 'La base de données répond.',
      store_unreachable:
        'Le serveur ne peut pas lire sa base de données : connexions et nouvelles demandes échouent. ' +
        'Exploitant du serveur : vérifiez que PostgreSQL fonctionne et est joignable, ou que le fichier SQLite du ' +
        'dossier de données est intact (sinon restaurez la dernière sauvegarde), puis redémarrez le serveur.',
      disk_ok: 'Assez d’espace libre.',
      disk_low:
        'Moins de 1 Go libre : sauvegardes et journaux risquent bientôt de ne plus tenir. Exploitant du serveur : ' +
        'libérez de la place sur le disque du dossier de données.',
      disk_full:
        "Moins de 100 Mo libres : l'enregistrement des demandes, des conversations et du journal d'audit va " +
        'échouer. Exploitant du serveur : libérez de la place sur le disque du dossier de données dès maintenant.',
      disk_unreadable:
        "L'espace libre du dossier de données ne peut pas être lu. Exploitant du serveur : vérifiez que le " +
        'dossier existe et que son disque est monté.',
      hub_ok: 'Agents, clients et assistants peuvent se connecter.',
      hub_unreachable:
        'Le serveur ne répond pas aux connexions : les agents ne peuvent pas se connecter et les clients ne ' +
        'joignent personne. Exploitant du serveur : redémarrez le serveur et lisez son journal.',
      relay_ok: "Le partage d'écran passe.",
      relay_overloaded:
        "La plupart des partages d'écran sont freinés par des liaisons lentes ou un serveur chargé : l'image " +
        'prend du retard. Exploitant du serveur : vérifiez la charge du processeur et du réseau du serveur.',
      relay_unreachable:
        "Le partage d'écran ne peut pas passer : il utilise les connexions ci-dessus, arrêtées.",
    },
    freeSpace: (gb) => `${gb} Go libres`,
    rows: {
      version: 'Version',
      upFor: 'En service depuis',
      agentsOnline: 'Agents connectés',
      sessions: 'Sessions en cours',
      waiting: 'Clients en attente',
    },
    upFor: (h, m) => `${h} h ${m} min`,
    checkedAt: (time) => `Vérifié à ${time} (UTC).`,
    machineReadable: 'Version lisible par machine :',
    otherLanguage: 'English',
  },
};
