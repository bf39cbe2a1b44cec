#!/usr/bin/perl
# tests/geoip/make_mmdb.pl [DIR] -- build the tiny MaxMind DB files that
# tests/test_geoip.c looks addresses up in, into DIR (default: this script's
# directory). The generated files are committed; run this again after changing
# the data below, and change the expectations in tests/test_geoip.c with it.
#
# Needs Debian's libmaxmind-db-writer-perl (MaxMind::DB::Writer::Tree).
#
# Every network is in a documentation or benchmarking range (RFC 5737, RFC 3849,
# RFC 2544) or a private one, so no real address gets a made-up location; that is
# why remove_reserved_networks is off. The private/loopback/link-local networks
# (country "ZZ") are there to prove that geoip_lookup() never looks them up;
# the networks just outside them (country "QQ", a user-assigned code, in
# otherwise real address space) prove that it still looks their neighbours up.
#
# Files, one per schema the sensor reads:
#   city.mmdb            GeoIP2/GeoLite2-City-like: country.iso_code,
#                        registered_country.iso_code, city.names.en,
#                        location.latitude/longitude; IPv6 tree holding IPv4 too
#   asn.mmdb             GeoLite2-ASN-like (also the ip-location-db asn-mmdb
#                        schema): autonomous_system_number/_organization
#   plain-country-ipv4.mmdb  ip-location-db country (geo-whois-asn-country-ipv4):
#                        top-level country_code, an IPv4-only tree
#   plain-country-ipv6.mmdb  the same schema, IPv6-only tree
#   plain-city-ipv4.mmdb ip-location-db city (dbip-city-ipv4 / geolite2-city-ipv4):
#                        top-level country_code, city, and latitude/longitude
#                        stored as strings
#   plain-asn-ipv4.mmdb  ip-location-db asn-ipv4: ASN fields, IPv4-only tree
use strict;
use warnings;
use File::Basename qw(dirname);
use MaxMind::DB::Writer::Tree;

my $dir = shift @ARGV // dirname($0);

my %types = (
    # GeoIP2 schema
    country                        => 'map',
    registered_country             => 'map',
    iso_code                       => 'utf8_string',
    names                          => 'map',
    en                             => 'utf8_string',
    location                       => 'map',
    latitude                       => 'double',
    longitude                      => 'double',
    geoname_id                     => 'uint32',
    autonomous_system_number       => 'uint32',
    autonomous_system_organization => 'utf8_string',
    # ip-location-db plain schema
    country_code                   => 'utf8_string',
    state1                         => 'utf8_string',
    postcode                       => 'utf8_string',
    timezone                       => 'utf8_string',
);

# The plain city schema stores the city and coordinates as strings.
my %plain_city_types = (%types, city => 'utf8_string',
                        latitude => 'utf8_string', longitude => 'utf8_string');
$types{city} = 'map';

sub write_db {
    my ($file, $ip_version, $type, $typemap, @nets) = @_;
    my $tree = MaxMind::DB::Writer::Tree->new(
        ip_version               => $ip_version,
        record_size              => 24,
        database_type            => $type,
        languages                => ['en'],
        description              => { en => "bleedwatch test data: $type" },
        map_key_type_callback    => sub { $typemap->{ $_[0] } // die "no type for key $_[0]\n" },
        remove_reserved_networks => 0,
    );
    while (my ($net, $data) = splice(@nets, 0, 2)) {
        $tree->insert_network($net, $data);
    }
    open my $fh, '>:raw', "$dir/$file" or die "$dir/$file: $!\n";
    $tree->write_tree($fh);
    close $fh or die "$dir/$file: $!\n";
    print "wrote $dir/$file\n";
}

sub country { return { iso_code => $_[0], names => { en => $_[1] } } }

my $zz = { country => country('ZZ', 'Must never be seen') };
my @private = map { ($_ => $zz) } qw(
    10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 169.254.0.0/16 172.16.0.0/12
    192.168.0.0/16 224.0.0.0/4 240.0.0.0/4
    fe80::/10 fc00::/7 ff00::/8);
my $qq = { country => country('QQ', 'Next to a private range') };
my @boundary = map { ($_ => $qq) } qw(
    11.0.0.0/16 100.128.0.0/16 126.255.255.0/24 169.255.0.0/16 172.32.0.0/16
    192.169.0.0/16 223.255.255.0/24 fe00::/16 fbff::/16);

write_db('city.mmdb', 6, 'BW-Test-GeoIP2-City', \%types,
    '203.0.113.0/24' => {
        country            => country('NL', 'Netherlands'),
        registered_country => country('NL', 'Netherlands'),
        city               => { geoname_id => 2759794, names => { en => 'Amsterdam' } },
        location           => { latitude => 52.3676, longitude => 4.9041 },
    },
    '198.51.100.0/24' => { country => country('FR', 'France') },
    # no located country, only the registered one
    '192.0.2.0/24' => { registered_country => country('US', 'United States') },
    '2001:db8:1::/48' => {
        country  => country('DE', 'Germany'),
        city     => { names => { en => "M\x{fc}nchen" } },
        location => { latitude => 48.1374, longitude => 11.5755 },
    },
    # a name longer than geo_info.city (64 bytes): 40 two-byte characters
    '2001:db8:3::/48' => {
        country => country('AT', 'Austria'),
        city    => { names => { en => "\x{c4}" x 40 } },
    },
    @private, @boundary);

write_db('asn.mmdb', 6, 'BW-Test-GeoLite2-ASN', \%types,
    '203.0.113.0/24' => { autonomous_system_number => 64500,
                          autonomous_system_organization => 'Example "Quoted" Net' },
    '2001:db8::/32'  => { autonomous_system_number => 64501,
                          autonomous_system_organization => 'Example DE' },
    # an organisation without a number (pairs with plain-asn-ipv4's number
    # without an organisation: the two must never be mixed)
    '192.0.2.0/24'   => { autonomous_system_organization => 'Org Only' },
    '10.0.0.0/8'     => { autonomous_system_number => 64512,
                          autonomous_system_organization => 'Private' });

write_db('plain-country-ipv4.mmdb', 4, 'BW-Test-geo-whois-asn-country', \%types,
    '203.0.113.0/24'  => { country_code => 'GB' },
    '198.51.100.0/24' => { country_code => 'BE' },
    '192.0.2.0/24'    => { country_code => 'JP' },
    '10.0.0.0/8'      => { country_code => 'ZZ' });

write_db('plain-country-ipv6.mmdb', 6, 'BW-Test-geo-whois-asn-country', \%types,
    '2001:db8:2::/48' => { country_code => 'CA' });

write_db('plain-city-ipv4.mmdb', 4, 'BW-Test-dbip-city', \%plain_city_types,
    '198.18.0.0/16' => { country_code => 'se', state1 => 'Stockholm', city => 'Stockholm',
                         postcode => '111 20', latitude => '59.33', longitude => '18.07',
                         timezone => 'Europe/Stockholm' },
    # junk values: nothing here may be used
    '198.19.0.0/16' => { country_code => 'S1', city => '', latitude => 'north',
                         longitude => '18.07' });

write_db('plain-asn-ipv4.mmdb', 4, 'BW-Test-asn', \%types,
    '198.18.0.0/15'   => { autonomous_system_number => 64503,
                           autonomous_system_organization => 'Bench Net' },
    '198.51.100.0/24' => { autonomous_system_number => 64502,
                           autonomous_system_organization => 'Doc Net' },
    '203.0.113.0/24'  => { autonomous_system_number => 64499,
                           autonomous_system_organization => 'Other Net' },
    '192.0.2.0/24'    => { autonomous_system_number => 64498 });
