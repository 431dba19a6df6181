/** Public surface of the screen, cursor, ack and screen-control payload formats. */
export * from './limits';
export * from './bytes';
export * from './screen-format-error';
export * from './screen-message';
export * from './cursor-message';
export * from './ack-message';
export * from './screen-control';
export * from './gradient';
