/**
 * Messages that leave a server (gRPC statuses, job errors) carry no paths of the server's
 * filesystem: where its data lives is nobody else's business, and hospital file names
 * often hold patient names.
 */

/** An absolute path of two or more components, or a file:// URI. */
const SERVER_PATH = /(?:file:\/\/)?(?:\/[^\s'"`,;:()[\]{}<>]+){2,}/g;

/** `message` with every absolute path replaced by `<server path>`. */
export function withoutServerPaths(message: string): string {
  return message.replace(SERVER_PATH, '<server path>');
}
