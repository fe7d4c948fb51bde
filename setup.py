import os
import re

from setuptools import find_packages, setup

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, 'lasagne_reg', '__init__.py')) as f:
    version = re.search(r"__version__ = '([^']+)'", f.read()).group(1)
with open(os.path.join(here, 'README.rst')) as f:
    long_description = f.read()

setup(
    name='lasagne_reg',
    version=version,
    description="Lasagne's regularization for Theano, PyTensor and Aesara, "
                "and the penalties it never had",
    long_description=long_description,
    long_description_content_type='text/x-rst',
    license='MIT',
    packages=find_packages(include=['lasagne_reg', 'lasagne_reg.*']),
    python_requires='>=3.8',
    install_requires=['numpy'],
    extras_require={
        'theano': ['Theano==1.0.5', 'Lasagne==0.1', 'scipy-openblas32'],
        'pytensor': ['pytensor'],
        'aesara': ['aesara'],
    },
    classifiers=[
        'License :: OSI Approved :: MIT License',
        'Programming Language :: Python :: 3',
        'Topic :: Scientific/Engineering :: Artificial Intelligence',
    ],
)
