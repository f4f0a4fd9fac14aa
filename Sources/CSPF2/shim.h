// libspf2 for the e-mail-to-fax sender check (Sources/SMTPGateway/SPF/LibSPF2Verifier.swift).
// Its headers expect the network types to be declared first.
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <spf2/spf.h>
#include <spf2/spf_dns_zone.h>
#include <spf2/spf_dns_resolv.h>
#include <spf2/spf_dns_cache.h>
