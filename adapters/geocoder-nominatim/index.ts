export { openNominatimGeocoder, addressQuery, type NominatimOptions } from './nominatim-geocoder.adapter';
