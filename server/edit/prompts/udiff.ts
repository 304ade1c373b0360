// Prompt text that makes DeepSeek models answer with unified diffs.
import { F } from './fence';

export const udiffInstructions = `Answer with a unified diff only, inside one \`\`\`diff code fence:
- Start with "--- a/path" and "+++ b/path" header lines for each file.
- Each hunk starts with "@@ -start,count +start,count @@" and lists lines with a one-character prefix:
  " " for an unchanged line, "-" for a removed line, "+" for an added line.
- Copy unchanged and removed lines exactly from the file, with the same indentation.
- Give three unchanged lines of context around each change. Never write "..." in place of lines.
- New file: "--- /dev/null" and "+++ b/path". Deleted file: "--- a/path" and "+++ /dev/null".`;

export const udiffExample = `Example. Task: "validate the port" in server/config.py.

${F}diff
--- a/server/config.py
+++ b/server/config.py
@@ -10,6 +10,8 @@ def load(env):
     host = env.get("HOST", "localhost")
     port = int(env.get("PORT", "8080"))
+    if not 0 < port < 65536:
+        raise ValueError(f"invalid port {port}")
     debug = env.get("DEBUG") == "1"
     return Config(host, port, debug)
 
${F}`;
