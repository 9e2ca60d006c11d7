-- Orthanc Lua script: segment every new image series with nasunet once it is stable
-- (StableAge seconds after its last instance), skipping non-image series and the DICOM SEG
-- objects nasunet itself stores back (Modality SEG, SeriesDescription "Segmentation by ...").
--
-- Configure in a Lua file loaded before this one (Orthanc's "LuaScripts" list), e.g.
--   NASUNET_CLI  = 'NASUNET_TOKEN=$(cat /etc/nasunet/pacs.token) /usr/bin/node /opt/nasunet/dist/libs/cli/src/main.js'
--   NASUNET_ARGS = '--inference-server 10.0.0.5:50054 --tls-ca /etc/nasunet/ca.crt --model hippo@production'
--   NASUNET_LOG  = '/var/log/orthanc/nasunet.log'
-- The inference service fetches the series from the PACS it is configured with
-- (NASUNET_DICOMWEB_URL) and stores the SEG there; this script only names the series.
-- OnStableSeries runs on Orthanc's Lua thread, so the command runs in the background.

NASUNET_CLI = NASUNET_CLI or 'nasunet'
NASUNET_ARGS = NASUNET_ARGS or ''
NASUNET_LOG = NASUNET_LOG or '/dev/null'

-- Series that hold no image to segment.
local SKIPPED_MODALITIES = {
  SEG = true, RTSTRUCT = true, RTPLAN = true, RTDOSE = true, SR = true, PR = true, KO = true, REG = true, DOC = true,
}

-- A DICOM UID: digits and dots only (it goes into a shell command line), at most 64 characters.
local function isUid(s)
  return type(s) == 'string' and #s > 0 and #s <= 64 and s:match('^[0-9][0-9.]*$') ~= nil
end

function OnStableSeries(seriesId, tags, metadata)
  local modality = tags['Modality'] or ''
  local description = tags['SeriesDescription'] or ''
  if SKIPPED_MODALITIES[modality] or description:sub(1, 16) == 'Segmentation by ' then
    return
  end
  local study = ParseJson(RestApiGet('/series/' .. seriesId .. '/study'))
  local studyUid = study['MainDicomTags']['StudyInstanceUID']
  local seriesUid = tags['SeriesInstanceUID']
  if not isUid(studyUid) or not isUid(seriesUid) then
    print('nasunet: series ' .. seriesId .. ' skipped (malformed UID)')
    return
  end
  os.execute(NASUNET_CLI .. ' segment --study ' .. studyUid .. ' --series ' .. seriesUid .. ' --json ' ..
    NASUNET_ARGS .. ' >>' .. NASUNET_LOG .. ' 2>&1 &')
end
