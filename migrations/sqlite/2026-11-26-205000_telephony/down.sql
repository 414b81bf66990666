DROP TABLE translation_rules;
DROP TABLE dialing_routes;
DROP TABLE sip_devices;
DROP TABLE ip_devices;
DROP TABLE dialing_route_list;
