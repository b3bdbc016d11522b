-- 0019: a sheet photo may be a reference to a photo kept elsewhere (an
-- observer network's server): its address, with sha256 the SHA-256 of
-- the address and the size columns 0. Empty for photos whose bytes are
-- in the blob table.
ALTER TABLE sheet_photos ADD COLUMN url text NOT NULL DEFAULT '';
