/**
 * The DICOM settings of the inference service (part of its one configuration schema): the
 * PACS that SegmentStudy reads from and writes to (DICOMweb base URL and HTTP basic
 * credentials; the password is read from a file, never from a request) and the largest
 * series accepted.
 */
import { z } from 'zod';
import { dicomWebConfig, type DicomWebConfig } from '../../../libs/dicom/src/index.js';

export const DicomEnvFields = {
  /** DICOMweb base URL of the PACS for SegmentStudy, e.g. `http://orthanc:8042/dicom-web`; unset: no PACS. */
  NASUNET_DICOMWEB_URL: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'must be an http:// or https:// URL')
    .optional(),
  /** HTTP basic user at the PACS; unset: no credentials are sent. */
  NASUNET_DICOMWEB_USER: z.string().min(1).optional(),
  /** File holding that user's password (surrounding whitespace dropped). */
  NASUNET_DICOMWEB_PASSWORD_FILE: z.string().min(1).optional(),
  /** Most instances (slices) in one series; default 2000. */
  NASUNET_MAX_DICOM_INSTANCES: z.coerce.number().int().positive().default(2000),
};

type DicomEnv = z.infer<ReturnType<typeof z.object<typeof DicomEnvFields>>>;

/** The PACS the service is configured with, or undefined when none is. */
export function pacsOf(env: DicomEnv): DicomWebConfig | undefined {
  if (env.NASUNET_DICOMWEB_URL === undefined) return undefined;
  return dicomWebConfig(
    env.NASUNET_DICOMWEB_URL,
    env.NASUNET_DICOMWEB_USER,
    env.NASUNET_DICOMWEB_PASSWORD_FILE,
  );
}
