/**
 * The viewer window (Preact): header (security code, quality, control badge, state), toolbar,
 * drawing tools, notices, the Files panel (files dropped on the window go to the customer), and
 * the picture. The elements the core draws into are rendered once
 * and handed to ViewerController (framework-free); Preact renders state only, never frames.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { SystemClipboard } from '../clipboard-sync';
import type { DecoderPort } from '../decoder-client';
import { DEFAULT_PREFS, ViewerController, type ViewerPrefs } from '../viewer-controller';
import type { ViewerSnapshot } from '../viewer-session';
import type { CreateSocket } from '../viewer-socket';
import type { Translate } from '../viewer-text';
import type { QualityMode } from '../../../protocol/screen/screen-control';
import { FolderBrowser } from '../files/folder-browser';
import { FilesPanel, sendToCustomer } from '../files/view/files-panel';
import { OfferBar } from '../files/view/offer-bar';
import { DrawTools } from './draw-tools';
import { NoticeBanner } from './notice-banner';
import { RebootProgressLine } from './reboot-control';
import { phaseText, StatusBar } from './status-bar';
import { TextPrompt, type TextRequest } from './text-prompt';
import { Toolbar } from './toolbar';
import './viewer.css';

export interface ViewerAppProps {
  t: Translate;
  url: string;
  token: string;
  sessionId: string;
  createDecoder: () => DecoderPort;
  clipboard: SystemClipboard;
  createSocket?: CreateSocket;
  download?: (png: Blob, fileName: string) => void;
  initialPrefs?: Partial<ViewerPrefs>;
  initialQuality?: QualityMode;
}

export function ViewerApp(props: ViewerAppProps) {
  const { t } = props;
  const root = useRef<HTMLDivElement>(null);
  const viewport = useRef<HTMLDivElement>(null);
  const sizer = useRef<HTMLDivElement>(null);
  const stage = useRef<HTMLDivElement>(null);
  const picture = useRef<HTMLCanvasElement>(null);
  const overlay = useRef<HTMLCanvasElement>(null);
  const pointer = useRef<HTMLCanvasElement>(null);
  const keys = useRef<HTMLTextAreaElement>(null);
  const [controller, setController] = useState<ViewerController | null>(null);
  const [state, setState] = useState<ViewerSnapshot | null>(null);
  const [prefs, setPrefs] = useState<ViewerPrefs>({ ...DEFAULT_PREFS, ...props.initialPrefs });
  const [textRequest, setTextRequest] = useState<TextRequest | null>(null);
  const [fullscreen, setFullscreen] = useState(false);
  const [filesOpen, setFilesOpen] = useState(false);
  const [dropping, setDropping] = useState(false);
  const browser = useMemo(
    () => (controller ? new FolderBrowser(controller.session.files) : null),
    [controller],
  );

  useEffect(() => {
    const c = new ViewerController(
      {
        fullscreenRoot: root.current!,
        viewport: viewport.current!,
        sizer: sizer.current!,
        stage: stage.current!,
        picture: picture.current!,
        overlay: overlay.current!,
        pointer: pointer.current!,
        keyTarget: keys.current!,
      },
      {
        url: props.url,
        token: props.token,
        sessionId: props.sessionId,
        createDecoder: props.createDecoder,
        clipboard: props.clipboard,
        ...(props.createSocket ? { createSocket: props.createSocket } : {}),
        ...(props.download ? { download: props.download } : {}),
        ...(props.initialPrefs ? { initialPrefs: props.initialPrefs } : {}),
        ...(props.initialQuality ? { initialQuality: props.initialQuality } : {}),
        askText: (client, done) => setTextRequest({ client, done }),
        onPrefs: setPrefs,
      },
    );
    setController(c);
    const unsubscribe = c.session.subscribe(setState);
    const onFullscreen = () => setFullscreen(document.fullscreenElement !== null);
    document.addEventListener('fullscreenchange', onFullscreen);
    return () => {
      unsubscribe();
      document.removeEventListener('fullscreenchange', onFullscreen);
      c.dispose();
    };
    // One viewer per mounted page: the props never change while it lives.
  }, []);

  const showPicture =
    state !== null && state.phase !== 'revoked' && state.phase !== 'ended' && state.phase !== 'refused';
  return (
    <div
      class={`viewer${dropping ? ' files-drop-target' : ''}`}
      ref={root}
      data-phase={state?.phase ?? 'connecting'}
      onDragOver={(e) => {
        if (!controller || !e.dataTransfer?.types.includes('Files')) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDropping(true);
      }}
      onDragLeave={(e) => {
        if (e.target === root.current) setDropping(false);
      }}
      onDrop={(e) => {
        if (!controller || !browser || !e.dataTransfer?.types.includes('Files')) return;
        e.preventDefault();
        setDropping(false);
        setFilesOpen(true);
        void sendToCustomer(controller.session.files, browser, [...e.dataTransfer.files]);
      }}
    >
      {controller && state && <StatusBar t={t} state={state} session={controller.session} />}
      {controller && state && (
        <div class="viewer-bars">
          <Toolbar t={t} state={state} prefs={prefs} controller={controller} fullscreen={fullscreen} />
          <DrawTools t={t} state={state} prefs={prefs} controller={controller} />
          <button
            type="button"
            class="files-toggle"
            aria-pressed={filesOpen}
            onClick={() => setFilesOpen(!filesOpen)}
          >
            {t('files_open')}
          </button>
        </div>
      )}
      {state && <RebootProgressLine t={t} state={state} />}
      {controller && state && (
        <NoticeBanner t={t} notice={state.notice} onDismiss={() => controller.session.dismissNotice()} />
      )}
      {controller && (
        <OfferBar t={t} files={controller.session.files} onAccepted={() => setFilesOpen(true)} />
      )}
      {/* The picture, and the Files panel beside it when open (the picture fits what is left). */}
      <div class="viewer-main">
        <div
          class={`viewport${state?.damaged ? ' damaged' : ''}${state?.phase === 'paused' ? ' paused' : ''}`}
          ref={viewport}
          data-view-only={String(!(state?.controlAllowed ?? false))}
        >
          <div class="sizer" ref={sizer} style={{ visibility: showPicture ? 'visible' : 'hidden' }}>
            <div class="stage" ref={stage} data-tool="control">
              <canvas class="picture" ref={picture} width={0} height={0} />
              <canvas class="overlay" ref={overlay} width={0} height={0} />
              <canvas class="pointer" ref={pointer} width={0} height={0} />
            </div>
          </div>
          {state && !showPicture && <p class="viewport-message">{phaseText(t, state)}</p>}
          <textarea
            class="key-target"
            ref={keys}
            aria-label={t('title')}
            autocomplete="off"
            autocapitalize="off"
            spellcheck={false}
            tabIndex={0}
          />
        </div>
        {controller && state && browser && filesOpen && (
          <FilesPanel
            t={t}
            state={state}
            files={controller.session.files}
            browser={browser}
            onClose={() => {
              setFilesOpen(false);
              controller.focus();
            }}
          />
        )}
      </div>
      {textRequest && <TextPrompt t={t} request={textRequest} onClose={() => setTextRequest(null)} />}
    </div>
  );
}
