/**
 * SOP classes that carry no image of the patient to segment, each refused by name: a
 * series sent for segmentation must hold images only.
 */

const NON_IMAGE: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.66.4': 'a Segmentation (SEG)',
  '1.2.840.10008.5.1.4.1.1.66.5': 'a Surface Segmentation',
  '1.2.840.10008.5.1.4.1.1.481.3': 'an RT Structure Set (RTSTRUCT)',
  '1.2.840.10008.5.1.4.1.1.481.2': 'an RT Dose',
  '1.2.840.10008.5.1.4.1.1.481.5': 'an RT Plan',
  '1.2.840.10008.5.1.4.1.1.66': 'a Raw Data object',
  '1.2.840.10008.5.1.4.1.1.66.1': 'a Spatial Registration',
  '1.2.840.10008.5.1.4.1.1.11.1': 'a Presentation State',
  '1.2.840.10008.5.1.4.1.1.88.59': 'a Key Object Selection',
  '1.2.840.10008.5.1.4.1.1.104.1': 'an Encapsulated PDF',
};

/** Non-image modalities, for objects whose SOP class is not listed above. */
const NON_IMAGE_MODALITY: Record<string, string> = {
  SEG: 'a Segmentation (SEG)',
  RTSTRUCT: 'an RT Structure Set (RTSTRUCT)',
  RTDOSE: 'an RT Dose',
  RTPLAN: 'an RT Plan',
  SR: 'a Structured Report (SR)',
  PR: 'a Presentation State',
  KO: 'a Key Object Selection',
  REG: 'a Registration',
  DOC: 'a document',
};

/** What a non-image object is ("an RT Structure Set (RTSTRUCT)"), or undefined for an image. */
export function nonImageKind(
  sopClassUid: string | undefined,
  modality: string | undefined,
): string | undefined {
  if (sopClassUid !== undefined && NON_IMAGE[sopClassUid] !== undefined) return NON_IMAGE[sopClassUid];
  if (sopClassUid?.startsWith('1.2.840.10008.5.1.4.1.1.88.')) return 'a Structured Report (SR)';
  return modality === undefined ? undefined : NON_IMAGE_MODALITY[modality];
}
