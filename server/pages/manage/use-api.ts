/**
 * The management center's calls: `useApi()` binds the manager's token and signs out on a 401
 * (the sign-in ended: logout elsewhere, deactivation); `useLoad()` loads once per key and can
 * reload; `formatters()` gives the dates, durations and sizes of the current language.
 */
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useState } from 'preact/hooks';
import type * as z from 'zod';
import { useI18n } from '../../../ui/i18n/use-i18n';
import { ApiError, apiJson, type ApiOptions } from '../shared/api-client';
import { apiErrorText } from '../shared/error-text';

export interface Session {
  token: string;
  onAuthLost(): void;
}

export const SessionContext = createContext<Session | null>(null);

export type Call = <S extends z.ZodType>(
  path: string,
  schema: S,
  options?: Omit<ApiOptions, 'token'>,
) => Promise<z.output<S>>;

export function useApi(): { call: Call; token: string; errorText(err: unknown): string } {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useApi() outside the signed-in management center');
  const { t } = useI18n();
  const call: Call = useCallback(
    async (path, schema, options = {}) => {
      try {
        return await apiJson(path, schema, { ...options, token: session.token });
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) session.onAuthLost();
        throw err;
      }
    },
    [session.token],
  );
  return { call, token: session.token, errorText: (err) => apiErrorText(t, err) };
}

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  reload(): void;
}

export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const { errorText } = useApi();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    load()
      .then((d) => {
        if (!live) return;
        setData(d);
        setError(null);
      })
      .catch((err: unknown) => live && setError(errorText(err)));
    return () => {
      live = false;
    };
  }, [key, round]);
  return { data, error, reload: () => setRound((r) => r + 1) };
}

export function useFormatters() {
  const { language } = useI18n();
  const dateTime = new Intl.DateTimeFormat(language, { dateStyle: 'short', timeStyle: 'short' });
  const number = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
  return {
    when: (ms: number) => dateTime.format(ms),
    /** 75 s -> "1 min 15 s"; 3725 s -> "1 h 2 min". */
    duration(ms: number): string {
      const s = Math.round(ms / 1000);
      if (s < 60) return `${s} s`;
      const m = Math.floor(s / 60);
      if (m < 60) return `${m} min${s % 60 ? ` ${s % 60} s` : ''}`;
      return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
    },
    size(bytes: number): string {
      if (bytes < 1024) return `${bytes} B`;
      if (bytes < 1024 ** 2) return `${number.format(bytes / 1024)} KiB`;
      if (bytes < 1024 ** 3) return `${number.format(bytes / 1024 ** 2)} MiB`;
      return `${number.format(bytes / 1024 ** 3)} GiB`;
    },
    number: (n: number) => number.format(n),
  };
}
