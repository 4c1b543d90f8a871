export { manifest, type ManifestEntry } from './manifest.ts';
export { resolveModel } from './resolve.ts';
export { ModelFileError } from './verify.ts';
export {
  currentStudentVersion, watchStudentVersion, listVersions, nextVersion, saveManifest, versionDir, promote, rollback, RegistryError,
  type StudentVersion, type VersionManifest,
} from './versions.ts';
