/**
 * The PACS of `segment --pacs` in-process: the DICOMweb base URL given (or
 * NASUNET_DICOMWEB_URL) and HTTP basic credentials from NASUNET_DICOMWEB_USER and the file
 * NASUNET_DICOMWEB_PASSWORD_FILE names, as the inference service reads them.
 */
import { ValidationError } from '../../core/src/index.js';
import { dicomWebConfig, type DicomWebConfig, type SeriesLimits } from '../../dicom/src/index.js';

/** A series fetched by the CLI: at most 5000 instances and 1 GiB. */
export const CLI_SERIES_LIMITS: SeriesLimits = { maxInstances: 5000, maxBytes: 1024 ** 3 };

/** The PACS to use: `url`, else NASUNET_DICOMWEB_URL; credentials from the environment. */
export function cliPacs(url: string | undefined, env: NodeJS.ProcessEnv = process.env): DicomWebConfig {
  const baseUrl = url ?? env['NASUNET_DICOMWEB_URL'];
  if (baseUrl === undefined || !/^https?:\/\/\S+$/.test(baseUrl)) {
    throw new ValidationError(
      '--pacs: give the DICOMweb base URL (http:// or https://) or set NASUNET_DICOMWEB_URL',
    );
  }
  return dicomWebConfig(baseUrl, env['NASUNET_DICOMWEB_USER'], env['NASUNET_DICOMWEB_PASSWORD_FILE']);
}
