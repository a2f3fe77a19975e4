/** The data directory when PASSFLOW_DATA_DIR is unset (relative to the working directory). No imports: read before the environment is parsed. */
export const DEFAULT_DATA_DIR = ".data";
