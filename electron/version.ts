import packageJson from '../package.json' with { type: 'json' };

/** The version in package.json, for HAR creators and `tokentap --version`. */
export const TOKENTAP_VERSION: string = packageJson.version;
