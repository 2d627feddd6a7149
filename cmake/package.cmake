# SPDX-License-Identifier: Apache-2.0
# Debian packages by CPack, one per install component:
#   libsnetMAJOR.MINOR  the shared library (named after its SONAME, Debian policy 8.1, so that
#                       two incompatible versions can be installed side by side)
#   libsnet-dev         headers, libsnet.so, libsnet.a, snet.pc, the CMake package, examples
#   snet-tools          the tools, the dispatcher and snet-topogen (linked statically to libsnet)
# Build them with `./snet.sh package` (configured with -DCMAKE_INSTALL_PREFIX=/usr: the tools
# have the documentation's path compiled in). Dependencies on Debian's libraries come from
# dpkg-shlibdeps; libsnet-dev depends on the exact libsnet and on the -dev packages that
# snet.pc and snetConfig.cmake need.
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL lib dev tools)
set(CPACK_PACKAGE_NAME snet)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "libsnet developers <libsnet@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/packages)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/scionproto/scion")

set(SNET_DEB_LIB libsnet${SNET_SOVERSION})
set(CPACK_DEBIAN_LIB_PACKAGE_NAME ${SNET_DEB_LIB})
set(CPACK_DEBIAN_LIB_PACKAGE_SECTION libs)
# A shlibs file (only the library package has a shared library), so that dpkg-shlibdeps of
# programs linked to us finds the package.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_COMPONENT_LIB_DESCRIPTION "SCION end-host sockets in C (shared library)
 libsnet speaks SCION like Go's snet (scionproto/scion v0.15.1) on libuv: unbound,
 path-aware sockets for multihomed hosts, the dispatcher protocol, the SCION daemon's API
 and path policies.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libsnet-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_COMPONENT_DEV_DEPENDS lib)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "libuv1-dev, libmnl-dev, libssl-dev, libjansson-dev, \
libnghttp2-dev, libprotobuf-c-dev, pkgconf | pkg-config")
set(CPACK_COMPONENT_DEV_DESCRIPTION "SCION end-host sockets in C (development files)
 Headers, the static library, pkg-config and CMake files for libsnet, and its examples
 under /usr/share/doc/snet/examples.")

set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME snet-tools)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION net)
set(CPACK_COMPONENT_TOOLS_DESCRIPTION "SCION end-host tools built on libsnet
 snet-ping, snet-traceroute, snet-showpaths, snet-address (as Go's scion CLI), snet-echo,
 snet-pkt, snet-policy, snet-daemon-query, the SCION dispatcher snet-dispatcher and the
 topology generator snet-topogen.")

# Debian wants each package's licence in /usr/share/doc/PACKAGE/copyright.
foreach(c lib dev tools)
	string(TOUPPER ${c} C)
	install(FILES ${PROJECT_SOURCE_DIR}/LICENSE RENAME copyright COMPONENT ${c}
		DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${CPACK_DEBIAN_${C}_PACKAGE_NAME})
endforeach()
include(CPack)
