// The edit module: a model's answer in, exact minimal edits out. No VS Code or engine dependency.
export type { ApplyOptions, ApplyResult, ConcreteFormat, EditFormat, FileChange, MatchStrategy, SourceFile } from './types';
export { applyModelAnswer } from './applyAnswer';
export { chooseFormat } from './chooseFormat';
export { editPrompt } from './editPrompt';
export { detectFormat } from './answer/parse';
export { minimalEdits, applyTextEdits } from './textEdits';
export { writeFilesAtomically } from './atomicWrite';
