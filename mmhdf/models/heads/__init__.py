"""HDF heads: CE + DSM on the pooled pre-fc embedding."""
from .hdf_head import DSMHeadMixin, HDFHead, HDFX3DHead

__all__ = ['DSMHeadMixin', 'HDFHead', 'HDFX3DHead']
