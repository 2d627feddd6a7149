/* SPDX-License-Identifier: Apache-2.0 */
/* The router alert a path probe sets (Go: private/app/path/pathprobe setAlertFlag). */
#include "snet/path.h"

int snet_path_alert_last(const uint8_t *raw, size_t len, uint8_t *out, size_t cap)
{
	snet_scion_path d;
	int rc = snet_scion_path_parse(raw, len, &d);
	if (rc)
		return rc;
	if (d.num_inf && d.num_hops) {
		snet_hop_field *h = &d.hop[d.num_hops - 1];
		h->flags |= (d.inf[d.num_inf - 1].flags & SNET_INFO_CONS_DIR) ? SNET_HOP_INGRESS_ALERT
									     : SNET_HOP_EGRESS_ALERT;
	}
	return snet_scion_path_emit(&d, out, cap);
}
