import { type FormEvent, useCallback, useMemo, useState } from 'react';

import { formatBytes } from '@/lib/format';
import type { ImportConfig, OnConflict } from '@/types/api';

import { isWorkbook } from '../api/inspect-file';
import { lastAnswer, useInspection } from '../hooks/use-inspection';
import { useSavedMapping } from '../hooks/use-saved-mapping';
import { useUpload } from '../hooks/use-upload';
import { mappingView, uploadMapping } from '../lib/resolution';
import { defaultOnConflict, fileRefusal, timezoneChoices } from '../lib/upload-options';
import { DatasetStep } from './dataset-step';
import { FileStep } from './file-step';
import { ImportStep } from './import-step';
import { MappingStep } from './mapping-step';
import { PreviewStep } from './preview-step';

type Chosen = { file: File; refusal: string | null; serial: number };

/**
 * The import page's steps: dataset, file (with its encoding and delimiter), column mapping,
 * preview, then import or dry run. Every choice is sent to the server, whose answer the steps show.
 */
export function UploadForm({ config }: { config: ImportConfig }) {
  const datasets = config.datasets;
  const [datasetName, setDatasetName] = useState(() => datasets[0]?.name ?? '');
  const [chosen, setChosen] = useState<Chosen | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [sheet, setSheet] = useState('');
  const [encoding, setEncoding] = useState('');
  const [delimiter, setDelimiter] = useState('');
  const [onConflict, setOnConflict] = useState<OnConflict>(() => defaultOnConflict(datasets[0]));
  const [timezone, setTimezone] = useState(() => datasets[0]?.timezone ?? 'UTC');
  const [remember, setRemember] = useState(true);
  const upload = useUpload();

  const dataset = datasets.find((d) => d.name === datasetName) ?? null;
  const readsTimes = Boolean(dataset?.columns.some((column) => column.type === 'datetime'));
  const zones = useMemo(() => (readsTimes && dataset ? timezoneChoices(dataset.timezone) : []), [readsTimes, dataset]);
  const zoneChoice = readsTimes && dataset && timezone !== dataset.timezone ? timezone : undefined;

  const file = chosen?.file ?? null;
  const readable = chosen && !chosen.refusal ? chosen.file : null;
  const inspectionState = useInspection(
    readable && datasetName
      ? { file: readable, dataset: datasetName, columnMapping: mapping, sheet, encoding, delimiter, timezone: zoneChoice }
      : null,
  );
  const inspection = inspectionState.kind === 'ready' ? inspectionState.inspection : null;
  // While the server reads a change, the previous answer stays on screen (no flicker).
  const shown = inspectionState.kind === 'refused' ? null : lastAnswer(inspectionState);
  const view = useMemo(() => (shown ? mappingView(shown) : null), [shown]);

  const applySaved = useCallback((saved: Record<string, string>) => setMapping(saved), []);
  const saved = useSavedMapping({
    fileKey: readable ? JSON.stringify([chosen?.serial, datasetName, sheet, encoding, delimiter]) : '',
    dataset: datasetName,
    headers: shown?.header.names ?? null,
    untouched: Object.keys(mapping).length === 0,
    apply: applySaved,
  });

  const resetChoices = () => {
    setMapping({});
    upload.clearError();
  };

  const chooseFile = (next: File) => {
    resetChoices();
    setSheet('');
    setEncoding('');
    setDelimiter('');
    let refusal = fileRefusal(next, config);
    if (!refusal && isWorkbook(next) && next.size > config.inspect_max_bytes) {
      refusal = `“${next.name}” is too large to check here (${formatBytes(next.size)}; ${formatBytes(config.inspect_max_bytes)} at most for a workbook). Save its sheet as CSV and import that.`;
    }
    setChosen((current) => ({ file: next, refusal, serial: (current?.serial ?? 0) + 1 }));
  };

  const chooseDataset = (name: string) => {
    const next = datasets.find((d) => d.name === name);
    setDatasetName(name);
    resetChoices();
    setOnConflict(defaultOnConflict(next));
    setTimezone(next?.timezone ?? 'UTC');
  };

  const sending = upload.submitting !== null;
  const missing = view?.missing ?? [];
  const canStart = Boolean(dataset) && inspection !== null && missing.length === 0 && !sending;
  const sentMapping = inspection ? uploadMapping(inspection, mapping) : {};
  const refusal = chosen?.refusal ?? (inspectionState.kind === 'refused' ? inspectionState.message : null);

  const start = (dryRun: boolean) => {
    if (!canStart || !file || !dataset || !inspection) return;
    void upload.send({
      file,
      dataset: dataset.name,
      onConflict,
      columnMapping: sentMapping,
      sheet: inspection.format === 'xlsx' ? inspection.sheet : undefined,
      encoding: encoding || undefined,
      delimiter: delimiter || undefined,
      // Only a choice that differs from the dataset's zone is sent; the server applies its own.
      timezone: zoneChoice,
      dryRun,
      rememberMapping: remember,
    });
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    start(false);
  };

  return (
    <form className="import-grid" onSubmit={onSubmit} noValidate>
      <DatasetStep datasets={datasets} dataset={dataset} onChange={chooseDataset} />
      <FileStep
        config={config}
        file={file}
        inspection={inspectionState.kind === 'refused' ? inspectionState.previous : shown}
        reading={inspectionState.kind === 'reading'}
        refusal={refusal}
        disabled={sending}
        onFile={chooseFile}
        sheet={sheet}
        onSheet={(next) => {
          setSheet(next);
          resetChoices();
        }}
        encoding={encoding}
        onEncoding={(next) => {
          setEncoding(next);
          resetChoices();
        }}
        delimiter={delimiter}
        onDelimiter={(next) => {
          setDelimiter(next);
          resetChoices();
        }}
      />
      {view && shown ? (
        <>
          <MappingStep
            view={view}
            headers={shown.header.names}
            saved={saved.state}
            onDeclineSaved={() => {
              saved.decline();
              setMapping({});
            }}
            onMap={(column, header) => setMapping((m) => ({ ...m, [column]: header }))}
            disabled={sending}
          />
          <PreviewStep inspection={shown} columns={view.rows} />
        </>
      ) : null}
      <ImportStep
        dataset={dataset}
        zones={zones}
        timezone={timezone}
        onTimezone={setTimezone}
        onConflict={onConflict}
        onOnConflict={setOnConflict}
        canRemember={Object.keys(sentMapping).length > 0}
        remember={remember}
        onRemember={setRemember}
        canStart={canStart}
        submitting={upload.submitting}
        progress={upload.progress}
        error={upload.error}
        hasFile={file !== null}
        onStart={start}
        onStop={upload.stop}
      />
    </form>
  );
}
