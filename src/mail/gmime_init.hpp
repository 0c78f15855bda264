#pragma once
// GMime needs one process-wide g_mime_init(); every mail/ entry point calls this first.
namespace cis::mail {
void ensure_gmime();
}
