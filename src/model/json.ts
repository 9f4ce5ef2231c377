// The JSON value type every spec, observation detail and store blob is made of. An object member may
// be undefined: typed specs have optional fields, and JSON.stringify leaves undefined members out.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };

/** A JSON object (a member may be undefined, see above). */
export type JsonObject = { [key: string]: Json | undefined };
