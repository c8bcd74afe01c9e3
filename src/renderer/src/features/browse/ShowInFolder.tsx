// "Show in folder" (#11): opens the system file manager at an image's source file or at what the last export
// wrote. Only the desktop shell can (api.shell); in a browser the button is not there at all.
import type { ShowInFolderInput } from '../../../../shared/contract';
import { getApi } from '../../app/api';
import { toast } from '../../app/app.store';
import { errorMessage } from '../../app/format';

export function canShowInFolder(): boolean {
  return !!getApi().shell;
}

export async function showInFolder(input: ShowInFolderInput): Promise<void> {
  const shell = getApi().shell;
  if (!shell) return;
  try {
    await shell.showInFolder(input);
  } catch (e) {
    toast(errorMessage(e), 'error');
  }
}

export function ShowInFolderButton(props: { target: ShowInFolderInput; testId: string }) {
  if (!canShowInFolder()) return null;
  return (
    <button className="btn sm ghost" type="button" onClick={() => void showInFolder(props.target)} data-testid={props.testId} title="Open the folder in the file manager">
      Show in folder
    </button>
  );
}
