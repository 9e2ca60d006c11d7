/** The part of dcmjs 0.51.1 (which ships no types) that this lib uses: its data model. */
declare module 'dcmjs' {
  /** One element of the DICOM JSON model: its VR and values (sequences hold items). */
  export interface DicomElement {
    vr: string;
    Value?: unknown[];
  }
  /** A dataset in the DICOM JSON model, keyed by 8-hex-digit tag. */
  export type DicomDataset = Record<string, DicomElement>;
  export class DicomDict {
    constructor(meta: DicomDataset);
    meta: DicomDataset;
    dict: DicomDataset;
    write(options?: Record<string, unknown>): ArrayBuffer;
  }
  export const DicomMessage: {
    readFile(buffer: ArrayBuffer, options?: Record<string, unknown>): DicomDict;
  };
  const dcmjs: {
    data: { DicomDict: typeof DicomDict; DicomMessage: typeof DicomMessage };
    log: { setLevel(level: string): void };
  };
  export default dcmjs;
}
