/* SPDX-License-Identifier: Apache-2.0 */
#ifndef SNET_VERSION_H
#define SNET_VERSION_H

#define SNET_VERSION_MAJOR 0
#define SNET_VERSION_MINOR 3
#define SNET_VERSION_PATCH 0
#define SNET_VERSION_STRING "0.3.0"

#if defined(SNET_BUILDING) && defined(__GNUC__)
#define SNET_EXTERN __attribute__((visibility("default")))
#else
#define SNET_EXTERN /* nothing */
#endif

#endif
